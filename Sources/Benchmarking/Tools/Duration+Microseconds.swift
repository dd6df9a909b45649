extension Duration {
    /// The duration in microseconds, with fractions.
    public var microseconds: Double {
        Double(components.seconds) * 1_000_000 + Double(components.attoseconds) / 1_000_000_000_000
    }
}
