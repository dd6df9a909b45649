/// One address or a CIDR block of them, IPv4 or IPv6: an entry of a trusted-proxy list.
///
/// `10.0.0.0/8`, `192.0.2.7`, `fd00::/8` and `::1` parse; the host part of a block must be zero
/// (`10.0.0.1/8` is refused as a likely typo). IPv4 addresses and their IPv4-mapped IPv6 forms
/// (`::ffff:10.0.0.1`) are the same address, so an IPv4 block also matches a dual-stack listener's peers.
public struct IPAddressRange: Sendable, Hashable, CustomStringConvertible {
    let network: IPAddress
    /// The prefix length, in bits of the address's own family (0–32 for IPv4, 0–128 for IPv6).
    public let prefixLength: Int

    /// Parses `address` or `address/prefix`; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]), !parts[0].contains("%") else { return nil }
        let familyBits = address.isIPv4 ? 32 : 128
        var prefix = familyBits
        if parts.count == 2 {
            guard (1...3).contains(parts[1].count), parts[1].allSatisfy(\.isASCII), let value = Int(parts[1]) else {
                return nil
            }
            prefix = value
            // `::ffff:0:0/96` and longer: an IPv4-mapped block written as IPv6, counted in IPv4 bits here.
            if address.isIPv4, parts[0].contains(":") {
                guard prefix >= 96 else { return nil }
                prefix -= 96
            }
            guard prefix >= 0, prefix <= familyBits else { return nil }
        }
        guard address.masked(to: prefix) == address else { return nil }
        network = address
        prefixLength = prefix
    }

    /// Whether `address` (an IPv4 or IPv6 address as text) lies in the range; `false` when it does not parse.
    public func contains(_ address: String) -> Bool {
        IPAddress(address).map(contains) ?? false
    }

    func contains(_ address: IPAddress) -> Bool {
        address.isIPv4 == network.isIPv4 && address.masked(to: prefixLength) == network
    }

    /// `10.0.0.0/8`, `2001:db8::/32`, `192.0.2.7/32`.
    public var description: String { "\(network)/\(prefixLength)" }
}
