import NIOCore
import Redis
import Testing

/// Random, mutated, truncated and adversarial byte streams: the parser must never crash or hang, and must answer
/// every `next()` with a value, "needs more" (`nil`) or a protocol error. Seeded, so a failure reproduces.
///
/// The loops yield now and then: a long synchronous loop would hold one of the test run's few cooperative threads
/// and stall unrelated tests that wait on time.
@Suite("RESP parser fuzzing")
struct RESPParserFuzzTests {
    static let alphabet = Array("+-:$*%~>|_,#(=!\r\n\r\n0123456789-?.eintf ".utf8)

    /// Feeds `stream` in random chunks; checks each outcome and that the work stays bounded.
    func check(_ stream: ByteBuffer, limits: RESPParser.Configuration, random: inout SeededGenerator, seed: Int) {
        var parser = RESPParser(configuration: limits)
        var rest = stream
        var values = 0
        while rest.readableBytes > 0 {
            parser.append(
                rest.readSlice(length: Int.random(in: 1...max(1, min(rest.readableBytes, 64)), using: &random))!
            )
            do {
                while try parser.next() != nil {
                    values += 1
                    // Every reply takes at least three bytes: more replies than that would mean a loop.
                    guard values <= stream.readableBytes / 3 + 1 else {
                        Issue.record("case \(seed): more replies than bytes allow")
                        return
                    }
                }
            } catch {
                #expect(error.code == .protocolError, "case \(seed)")
                #expect(!error.message.isEmpty)
                return
            }
        }
    }

    @Test("random byte streams")
    func randomBytes() async {
        var random = SeededGenerator(seed: 0x5EED_0001)
        let limits = RESPParser.Configuration(maximumBulkLength: 4096, maximumAggregateLength: 256, maximumDepth: 8)
        for seed in 0..<2_000 {
            if seed % 100 == 0 { await Task.yield() }
            let length = Int.random(in: 1...200, using: &random)
            var stream = ByteBuffer()
            for _ in 0..<length {
                // Mostly RESP's own characters, so streams get past the type byte; sometimes any byte.
                let byte =
                    Int.random(in: 0..<10, using: &random) == 0
                    ? UInt8.random(in: 0...255, using: &random) : Self.alphabet.randomElement(using: &random)!
                stream.writeInteger(byte)
            }
            check(stream, limits: limits, random: &random, seed: seed)
        }
    }

    @Test("valid streams with bytes flipped, inserted, deleted or cut off")
    func mutatedStreams() async {
        var random = SeededGenerator(seed: 0x5EED_0002)
        let valid = Array(RESPFixtures.stream.readableBytesView)
        for seed in 0..<1_500 {
            if seed % 100 == 0 { await Task.yield() }
            var bytes = valid
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<4, using: &random) {
                case 0: bytes[index] = Self.alphabet.randomElement(using: &random)!
                case 1: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
                case 2: bytes.remove(at: index)
                default: bytes.removeLast(Int.random(in: 0..<(bytes.count - index), using: &random))
                }
                if bytes.isEmpty { bytes = [UInt8(ascii: "*")] }
            }
            check(ByteBuffer(bytes: bytes), limits: .init(), random: &random, seed: seed)
        }
    }

    @Test("adversarial headers: huge lengths, deep nesting, endless lines, every prefix of them")
    func adversarial() async {
        var random = SeededGenerator(seed: 0x5EED_0003)
        let cases = [
            "$2147483647\r\n", "*2147483647\r\n:1\r\n", "%4611686018427387904\r\n", "$9223372036854775807\r\n",
            "*-9223372036854775808\r\n", "$-9223372036854775808\r\n", ":-9223372036854775809\r\n",
            String(repeating: "*1\r\n", count: 10_000), String(repeating: "|1\r\n", count: 10_000),
            String(repeating: "%1\r\n+k\r\n", count: 10_000), "+" + String(repeating: "a", count: 2_000_000),
            "*3\r\n" + String(repeating: "\r\n", count: 1_000), String(repeating: "$0\r\n\r\n", count: 10_000),
            "=3\r\nab\r\n\r\n", "|1\r\n+a\r\n", "*1\r\n|0\r\n|0\r\n|0\r\n+x\r\n",
        ]
        for (seed, text) in cases.enumerated() {
            await Task.yield()
            let stream = ByteBuffer(string: text)
            check(stream, limits: .init(), random: &random, seed: seed)
            for cut in stride(from: 0, to: min(stream.readableBytes, 64), by: 1) {
                check(stream.getSlice(at: 0, length: cut)!, limits: .init(), random: &random, seed: seed)
            }
        }
    }
}
