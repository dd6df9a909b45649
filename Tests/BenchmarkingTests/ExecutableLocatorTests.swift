import Benchmarking
import Foundation
import Logging
import Testing

@Suite struct ExecutableLocatorTests {
    private let empty = ExecutableLocator(searchPath: ["/nonexistent-mastery-bin"])

    @Test("a missing wrk is named with the command that installs it")
    func missingWrk() {
        #expect {
            _ = try Wrk(configuration: .init(), locator: empty)
        } throws: { error in
            guard let error = error as? BenchmarkError else { return false }
            return error.code == .toolMissing && error.message == "wrk is not installed: apt-get install wrk"
        }
    }

    @Test("a missing nginx is named with the command that installs it, before anything starts")
    func missingNginx() async {
        await #expect {
            try await NginxPeer.run(
                configuration: .init(port: 1, responseBody: "{}"),
                locator: empty,
                logger: .init(label: "test")
            ) { _ in }
        } throws: { error in
            guard let error = error as? BenchmarkError else { return false }
            return error.code == .toolMissing && error.message.contains("apt-get install nginx")
        }
    }

    @Test("the HTTP benchmark fails on a missing peer without starting our server")
    func missingPeerInBenchmark() async throws {
        let directory = try FakeTools.directory(with: ["wrk"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let wrkOnly = ExecutableLocator(searchPath: [directory])
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mastery-started-\(UUID().uuidString)"
        )
        let server = HTTPBenchmark.Server(executable: "/usr/bin/touch") { _, _ in [marker.path] }
        await #expect {
            _ = try await HTTPBenchmark(locator: wrkOnly).run(server: server, logger: .init(label: "test"))
        } throws: { error in
            (error as? BenchmarkError)?.message == "nginx is not installed: apt-get install nginx"
        }
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test("finds an executable in the search path")
    func finds() throws {
        let directory = try FakeTools.directory(with: ["wrk"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try ExecutableLocator(searchPath: ["/nonexistent", directory]).locate("wrk") == directory + "/wrk")
    }
}
