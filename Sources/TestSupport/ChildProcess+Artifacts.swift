import Foundation
public import Platform

extension ChildProcess.Output {
    /// A new file under `.build/test-artifacts/processes/`, kept after the test run for reading when a test fails.
    public static var artifactFile: Self {
        .newFile(in: TestServers.artifactsDirectory.appendingPathComponent("processes"))
    }
}
