import NIOCore
import Redis
import Testing

@Suite("RESP parser")
struct RESPParserTests {
    @Test("parses every RESP2 and RESP3 type from bytes", arguments: RESPFixtures.all.map(\.name))
    func parsesFixture(name: String) throws {
        let fixture = try #require(RESPFixtures.all.first { $0.name == name })
        var parser = RESPParser()
        parser.append(ByteBuffer(string: fixture.bytes))
        #expect(try parser.next() == fixture.value)
        #expect(try parser.next() == nil)
        #expect(parser.bufferedByteCount == 0)
    }

    @Test("parses NaN")
    func parsesNaN() throws {
        var parser = RESPParser()
        parser.append(ByteBuffer(string: ",nan\r\n"))
        let value = try #require(try parser.next())
        guard case .double(let double) = value else {
            Issue.record("expected a double, got \(value)")
            return
        }
        #expect(double.isNaN)
    }

    @Test("a stream split in two at every byte boundary parses the same")
    func splitAtEveryBoundary() async throws {
        let stream = RESPFixtures.stream
        for offset in 0...stream.readableBytes {
            if offset % 50 == 0 { await Task.yield() }  // long loops yield: see RESPParserFuzzTests
            var parser = RESPParser()
            let values = try parser.parse(chunks: stream.split(at: [offset]))
            #expect(values == RESPFixtures.values, "split at \(offset)")
            #expect(parser.bufferedByteCount == 0)
        }
    }

    @Test("a stream fed one byte at a time parses the same")
    func oneByteAtATime() throws {
        let stream = RESPFixtures.stream
        var parser = RESPParser()
        let values = try parser.parse(chunks: stream.split(at: Array(0..<stream.readableBytes)))
        #expect(values == RESPFixtures.values)
    }

    @Test("a stream cut at random places parses the same")
    func randomChunks() async throws {
        var random = SeededGenerator(seed: 42)
        let stream = RESPFixtures.stream
        for round in 0..<200 {
            if round % 20 == 0 { await Task.yield() }
            let cuts = (0..<Int.random(in: 1...40, using: &random)).map { _ in
                Int.random(in: 0...stream.readableBytes, using: &random)
            }
            var parser = RESPParser()
            #expect(try parser.parse(chunks: stream.split(at: cuts)) == RESPFixtures.values)
        }
    }

    @Test("every truncated stream yields the complete replies and then waits, without an error")
    func truncatedWaits() async throws {
        let stream = RESPFixtures.stream
        var ends: [Int] = []
        var length = 0
        for fixture in RESPFixtures.all {
            length += fixture.bytes.utf8.count
            ends.append(length)
        }
        for prefix in 0..<stream.readableBytes {
            if prefix % 50 == 0 { await Task.yield() }
            var parser = RESPParser()
            let values = try parser.parse(chunks: [stream.getSlice(at: 0, length: prefix)!])
            let complete = ends.filter { $0 <= prefix }.count
            #expect(values == Array(RESPFixtures.values.prefix(complete)), "prefix \(prefix)")
        }
    }

    @Test("a 4 MiB bulk string arriving in small reads is assembled in linear time")
    func largeBulkInSmallReads() async throws {
        let size = 4 * 1024 * 1024
        var payload = ByteBuffer()
        payload.writeString("$\(size)\r\n")
        payload.writeRepeatingByte(UInt8(ascii: "x"), count: size)
        payload.writeString("\r\n")
        var parser = RESPParser()
        let clock = ContinuousClock()
        var parsing = Duration.zero  // time spent parsing, not waiting to be scheduled again after a yield
        var start = clock.now
        var value: RESPValue?
        while payload.readableBytes > 0 {
            if payload.readableBytes % (256 * 1024) == 0 {
                parsing += clock.now - start
                await Task.yield()
                start = clock.now
            }
            parser.append(payload.readSlice(length: min(512, payload.readableBytes))!)
            if let next = try parser.next() { value = next }
        }
        parsing += clock.now - start
        guard case .bulkString(let bytes) = value else {
            Issue.record("expected a bulk string")
            return
        }
        #expect(bytes.readableBytes == size)
        #expect(bytes.readableBytesView.allSatisfy { $0 == UInt8(ascii: "x") })
        // 8,192 reads: a parser that re-read the buffer on every read would move ~16 GB and take minutes. Generous:
        // a loaded machine shares these cores with the rest of the test run.
        #expect(parsing < .seconds(60))
    }

    @Test("a large array and a long line arriving in tiny reads are never re-parsed from the start")
    func largeAggregateInTinyReads() async throws {
        let count = 100_000
        var stream = ByteBuffer()
        stream.writeString("*\(count)\r\n")
        for _ in 0..<count { stream.writeString(":1\r\n") }
        stream.writeString("+")
        stream.writeRepeatingByte(UInt8(ascii: "y"), count: 500_000)
        stream.writeString("\r\n")
        var parser = RESPParser()
        let clock = ContinuousClock()
        var parsing = Duration.zero  // time spent parsing, not waiting to be scheduled again after a yield
        var start = clock.now
        var values: [RESPValue] = []
        var reads = 0
        while stream.readableBytes > 0 {
            reads += 1
            if reads % 10_000 == 0 {
                parsing += clock.now - start
                await Task.yield()
                start = clock.now
            }
            parser.append(stream.readSlice(length: min(7, stream.readableBytes))!)
            while let value = try parser.next() { values.append(value) }
        }
        parsing += clock.now - start
        #expect(values.count == 2)
        #expect(values.first?.elements?.count == count)
        #expect(values.last?.string?.utf8.count == 500_000)
        // ~170,000 reads: re-parsing from the start each time would be ~10^10 steps (hours in a debug build).
        #expect(parsing < .seconds(90))
    }
}
