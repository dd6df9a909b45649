import ArgumentParser
import CLIKit
import Foundation
import ProgressTracking

/// `mastery progress show [--json]`: the progress at a glance, or as one JSON object.
struct ProgressShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the progress: a bar per section and overall, what is in progress and next, the pace.",
        discussion: """
            Colour is used when standard output is a terminal and NO_COLOR is not set (--color overrides). \
            --json prints {"snapshot": …, "pace": …} with sorted keys and YYYY-MM-DD dates; pace is null when the \
            file has no Start Date. The pace is measured at --date (default: today).
            """
    )

    /// When to colour the text view.
    enum ColorMode: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    @Flag(help: "Print the snapshot and the pace as one JSON object.") var json = false
    @Option(help: "Colour the text view: auto (a terminal without NO_COLOR), always or never.")
    var color: ColorMode = .auto
    @Option(help: "How many upcoming projects to list.") var next = 3
    @OptionGroup var options: ProgressOptions

    func validate() throws {
        guard next >= 0 else { throw ValidationError("--next must be 0 or more") }
    }

    func run() throws {
        try ProgressContext.run(options) { context in
            let snapshot = try context.store.read().snapshot()
            // Without a Start Date there is nothing to measure the pace against; the rest is still shown.
            let pace = snapshot.startDate == nil ? nil : try snapshot.pace(on: context.today, nextCount: next)
            if json {
                return try ProgressShowJSON(snapshot: snapshot, pace: pace).encoded()
            }
            return ProgressTerminalView(
                snapshot: snapshot,
                pace: pace,
                today: context.today,
                nextCount: next,
                colors: useColors()
            ).render()
        }
    }

    private func useColors(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        switch color {
        case .always: return true
        case .never: return false
        case .auto:
            return Terminal.allowsColour(environment: environment)
        }
    }
}

/// What `show --json` prints: `{"pace": …|null, "snapshot": …}`.
struct ProgressShowJSON: Encodable {
    var snapshot: ProgressSnapshot
    var pace: ProgressPace?

    private enum CodingKeys: String, CodingKey { case snapshot, pace }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(snapshot, forKey: .snapshot)
        try container.encode(pace, forKey: .pace)  // null when absent: the key is always there
    }

    /// Pretty-printed JSON with sorted keys.
    func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
