/// A counter as the API answers it: `{"name": "visits", "value": 42}`.
public struct TallyCounter: Codable, Hashable, Sendable {
    /// The counter's name.
    public var name: String
    /// Its value.
    public var value: Int

    /// Creates a counter.
    public init(name: String, value: Int) {
        self.name = name
        self.value = value
    }
}
