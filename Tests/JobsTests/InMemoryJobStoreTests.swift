import Jobs
import Testing

@Suite struct InMemoryJobStoreTests {
    @Test(arguments: JobStoreConformance.allCases)
    func conformance(_ scenario: JobStoreConformance) async throws {
        try await scenario.run(on: InMemoryJobStore())
    }
}
