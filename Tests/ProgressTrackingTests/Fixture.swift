import Foundation
import ProgressTracking
import Testing

/// The seed PROGRESS.md (Mac Roman mojibake, LF, trailing newline) and helpers over documents.
enum Fixture {
    static let seed: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "PROGRESS", withExtension: "md", subdirectory: "Fixtures"),
            let data = try? Data(contentsOf: url)
        else { fatalError("the PROGRESS.md fixture is missing") }
        return [UInt8](data)
    }()

    static var seedText: String { String(decoding: seed, as: UTF8.self) }

    static func document() throws -> ProgressDocument { try ProgressDocument(data: seed) }

    static func date(_ text: String) -> CalendarDate {
        // Test dates are literals written correctly.
        try! CalendarDate(parsing: text)
    }

    static func project(_ number: Int) -> ProjectNumber { try! ProjectNumber(number) }

    /// The lines (split at LF, endings kept) that differ between two texts with the same number of lines, as
    /// (1-based line, old, new).
    static func changedLines(_ old: String, _ new: String) -> [(line: Int, old: String, new: String)] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(a.count == b.count, "line counts differ")
        return zip(a, b).enumerated().compactMap { index, pair in
            pair.0 == pair.1 ? nil : (index + 1, String(pair.0), String(pair.1))
        }
    }

    /// Lines of `new` not in `old`, for verbs that insert lines (`old` must be a subsequence of `new`).
    static func insertedLines(_ old: String, _ new: String) -> [String] {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var inserted: [String] = []
        var i = 0
        for line in b {
            if i < a.count, a[i] == line { i += 1 } else { inserted.append(line) }
        }
        #expect(i == a.count, "old lines were changed, not only added to")
        return inserted
    }

    /// Throws unless `body` throws a ProgressError with `code`; returns it.
    @discardableResult
    static func expectError(
        _ code: ProgressError.Code,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Any
    ) -> ProgressError? {
        do {
            _ = try body()
            Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
        } catch let error as ProgressError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            return error
        } catch {
            Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }
}
