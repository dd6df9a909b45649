/// The body of `GET /v1/progress` and of every verb's answer: the document's snapshot and the pace at today.
public struct ProgressReport: Hashable, Sendable, Codable {
    /// Everything the file says.
    public var snapshot: ProgressSnapshot
    /// Progress against the plan today; `nil` when the file has no Start Date.
    public var pace: ProgressPace?

    /// Creates a report.
    public init(snapshot: ProgressSnapshot, pace: ProgressPace?) {
        self.snapshot = snapshot
        self.pace = pace
    }
}
