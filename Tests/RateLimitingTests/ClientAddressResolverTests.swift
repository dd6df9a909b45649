import HTTPTypes
import RateLimiting
import Testing

@Suite("Client addresses behind trusted proxies: ranges, X-Forwarded-For, Forwarded, spoofing")
struct ClientAddressResolverTests {
    func ranges(_ entries: String...) throws -> [IPAddressRange] {
        try entries.map { try #require(IPAddressRange($0), "\($0)") }
    }

    func xff(_ values: String...) -> HTTPFields {
        var fields = HTTPFields()
        for value in values { fields.append(HTTPField(name: HTTPField.Name("X-Forwarded-For")!, value: value)) }
        return fields
    }

    func forwarded(_ values: String...) -> HTTPFields {
        var fields = HTTPFields()
        for value in values { fields.append(HTTPField(name: HTTPField.Name("Forwarded")!, value: value)) }
        return fields
    }

    @Test("ranges: IPv4 and IPv6 addresses and CIDR blocks, canonical, strict")
    func parsing() throws {
        #expect(IPAddressRange("10.0.0.0/8")?.description == "10.0.0.0/8")
        #expect(IPAddressRange("192.0.2.7")?.description == "192.0.2.7/32")
        #expect(IPAddressRange("::1")?.description == "::1/128")
        #expect(IPAddressRange("2001:DB8:0:0:0:0:0:0/32")?.description == "2001:db8::/32")
        #expect(IPAddressRange("fd00::/8")?.description == "fd00::/8")
        #expect(IPAddressRange("::ffff:10.0.0.0/104")?.description == "10.0.0.0/8")
        #expect(IPAddressRange("2001:db8:0:1:0:0:0:1")?.description == "2001:db8:0:1::1/128")
        #expect(IPAddressRange("2001:0:0:1:0:0:0:1")?.description == "2001:0:0:1::1/128")  // the longest run
        #expect(IPAddressRange("2001:0:0:1:0:0:1:1")?.description == "2001::1:0:0:1:1/128")  // the first of equal runs
        #expect(IPAddressRange("1:0:2:3:4:5:6:7")?.description == "1:0:2:3:4:5:6:7/128")  // one zero group stays
        for bad in [
            "", "10.0.0.1/8", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4",
            "1.2.3.4 ", "::1/129", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1:2:3:4:5:6:7", "12345::", "g::1", "fe80::1%eth0",
            "localhost", "::ffff:0:0/95", "1.2.3.4/08x",
        ] {
            #expect(IPAddressRange(bad) == nil, "\(bad)")
        }
    }

    @Test("ranges match their addresses, IPv4 also in its IPv4-mapped IPv6 form")
    func matching() throws {
        let block = try #require(IPAddressRange("10.1.0.0/16"))
        #expect(block.contains("10.1.255.3"))
        #expect(block.contains("::ffff:10.1.2.3"))
        #expect(!block.contains("10.2.0.1"))
        #expect(!block.contains("not an address"))
        let v6 = try #require(IPAddressRange("2001:db8::/32"))
        #expect(v6.contains("2001:db8:ffff::1"))
        #expect(!v6.contains("2001:db9::1"))
        #expect(!v6.contains("10.1.2.3"))
        #expect(try #require(IPAddressRange("0.0.0.0/0")).contains("203.0.113.9"))
        #expect(!(try #require(IPAddressRange("0.0.0.0/0")).contains("2001:db8::1")))
    }

    @Test("an untrusted peer is the client, whatever headers it sends (spoofing)")
    func untrustedPeer() throws {
        let resolver = ClientAddressResolver(trustedProxies: try ranges("10.0.0.0/8"))
        #expect(resolver.clientAddress(peer: "203.0.113.9", headers: xff("1.2.3.4")) == "203.0.113.9")
        #expect(resolver.clientAddress(peer: "::ffff:203.0.113.9", headers: xff("1.2.3.4")) == "203.0.113.9")
        let forwardedResolver = ClientAddressResolver(trustedProxies: try ranges("10.0.0.0/8"), header: .forwarded)
        #expect(
            forwardedResolver.clientAddress(peer: "203.0.113.9", headers: forwarded("for=1.2.3.4")) == "203.0.113.9"
        )
        // No trusted proxies at all: headers are never read.
        #expect(ClientAddressResolver().clientAddress(peer: "10.0.0.1", headers: xff("1.2.3.4")) == "10.0.0.1")
        #expect(ClientAddressResolver().clientAddress(peer: nil, headers: xff("1.2.3.4")) == nil)
        #expect(ClientAddressResolver().clientAddress(peer: "garbage", headers: [:]) == nil)
    }

    @Test("X-Forwarded-For: walked from the right, trusted hops skipped, spoofed left part ignored")
    func xForwardedFor() throws {
        let resolver = ClientAddressResolver(trustedProxies: try ranges("10.0.0.0/8", "2001:db8:ffff::/48"))
        // The client forged "6.6.6.6"; the first proxy appended the real peer 198.51.100.7.
        #expect(
            resolver.clientAddress(peer: "10.0.0.2", headers: xff("6.6.6.6, 198.51.100.7, 10.0.0.1")) == "198.51.100.7"
        )
        // Split over several fields, with odd spacing and empty elements: one list, in order.
        #expect(
            resolver.clientAddress(peer: "10.0.0.2", headers: xff("6.6.6.6 ,, 198.51.100.7", "\t10.0.0.1"))
                == "198.51.100.7"
        )
        // Ports and bracketed IPv6, as some proxies write them.
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: xff("198.51.100.7:5123")) == "198.51.100.7")
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: xff("[2001:DB8::7]:443")) == "2001:db8::7")
        #expect(resolver.clientAddress(peer: "2001:db8:ffff::5", headers: xff("2001:db8::7")) == "2001:db8::7")
        // Every hop trusted: the leftmost is the client.
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: xff("10.9.9.9, 10.0.0.1")) == "10.9.9.9")
        // No header: the trusted proxy itself is the client.
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: [:]) == "10.0.0.2")
        // A hop that is not an address where the walk needs one: no address at all, never a guess.
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: xff("198.51.100.7, garbage")) == nil)
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: xff("unknown")) == nil)
        // Garbage left of the client does not matter.
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: xff("garbage, 198.51.100.7")) == "198.51.100.7")
        // The header the proxies do not write is ignored (a client could set it).
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: forwarded("for=6.6.6.6")) == "10.0.0.2")
    }

    @Test("Forwarded (RFC 7239): for= of each element, quoted IPv6 with ports, unknown and obfuscated nodes")
    func forwardedHeader() throws {
        let resolver = ClientAddressResolver(trustedProxies: try ranges("10.0.0.0/8"), header: .forwarded)
        #expect(
            resolver.clientAddress(peer: "10.0.0.2", headers: forwarded("for=192.0.2.60;proto=http;by=203.0.113.43"))
                == "192.0.2.60"
        )
        #expect(
            resolver.clientAddress(peer: "10.0.0.2", headers: forwarded(#"for="[2001:db8:cafe::17]:4711""#))
                == "2001:db8:cafe::17"
        )
        #expect(
            resolver.clientAddress(peer: "10.0.0.2", headers: forwarded(#"For="192.0.2.43:47011", for=10.0.0.1"#))
                == "192.0.2.43"
        )
        #expect(
            resolver.clientAddress(
                peer: "10.0.0.2",
                headers: forwarded("for=6.6.6.6", "for=198.51.100.7;proto=https, for=10.1.1.1")
            ) == "198.51.100.7"
        )
        // A comma or semicolon inside a quoted value does not split.
        #expect(
            resolver.clientAddress(peer: "10.0.0.2", headers: forwarded(#"by="a,b;c";for=198.51.100.7"#))
                == "198.51.100.7"
        )
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: forwarded("for=unknown")) == nil)
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: forwarded("for=_hidden")) == nil)
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: forwarded("proto=https")) == nil)
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: forwarded(#"for="[2001:db8::1""#)) == nil)
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: forwarded("for=[2001:db8::1]")) == "2001:db8::1")
    }

    @Test("IPv6 clients grouped by prefix; too many trusted hops give no address")
    func prefixAndBounds() throws {
        let grouped = ClientAddressResolver(ipv6PrefixLength: 64)
        #expect(grouped.clientAddress(peer: "2001:db8:1:2:aaaa::1", headers: [:]) == "2001:db8:1:2::/64")
        #expect(grouped.clientAddress(peer: "192.0.2.1", headers: [:]) == "192.0.2.1")
        let resolver = ClientAddressResolver(trustedProxies: try ranges("10.0.0.0/8"))
        let hops = (0..<40).map { "10.0.0.\($0)" }.joined(separator: ",")
        #expect(resolver.clientAddress(peer: "10.0.0.2", headers: xff(hops)) == nil)
    }
}
