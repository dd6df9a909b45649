import ProgressTracking
import Testing

@Suite struct PaceTests {
    @Test("the plan follows the quarters: 4, 8, 12, 17 by months 3, 6, 9, 12, linear within each")
    func plan() {
        let sizes = [4, 4, 4, 5]
        let expected: [(Double, Double)] = [
            (-1, 0), (0, 0), (1.5, 2), (3, 4), (4.5, 6), (6, 8), (9, 12), (10.5, 14.5), (12, 17), (15, 17),
        ]
        for (months, planned) in expected {
            #expect(abs(ProgressPace.planned(afterMonths: months, quarterSizes: sizes) - planned) < 1e-9, "\(months)")
        }
    }

    @Test("months are counted from the Start Date, by calendar month then days")
    func months() {
        let start = Fixture.date("2025-11-18")
        #expect(ProgressPace.months(from: start, to: start) == 0)
        #expect(ProgressPace.months(from: start, to: Fixture.date("2025-11-01")) == 0)
        #expect(ProgressPace.months(from: start, to: Fixture.date("2026-02-18")) == 3)
        #expect(abs(ProgressPace.months(from: start, to: Fixture.date("2026-01-03")) - (1 + 16.0 / 31)) < 1e-9)
        #expect(ProgressPace.months(from: start, to: Fixture.date("2026-11-18")) == 12)
    }

    @Test("ahead and behind at several dates; Bonus completions count, the in-progress and next projects are listed")
    func pace() throws {
        var document = try Fixture.document()
        let start = try document.snapshot()
        let atStart = try start.pace(on: Fixture.date("2025-11-18"))
        #expect(atStart.planned == 0)
        #expect(atStart.projectsAhead == 0)
        #expect(atStart.next.map(\.number.description) == ["01", "02", "03"])

        document = try document.complete(Fixture.project(1), on: Fixture.date("2025-12-01"), force: true)
            .start(Fixture.project(2), on: Fixture.date("2025-12-02"))
        let early = try document.snapshot().pace(on: Fixture.date("2025-12-10"))  // planned 0.9…
        #expect(early.projectsAhead == 1)
        #expect(early.inProgress.map(\.number.value) == [2])
        #expect(early.next.map(\.number.value) == [3, 4, 5])

        let january = try document.snapshot().pace(on: Fixture.date("2026-01-03"))  // planned 2.02
        #expect(january.projectsAhead == -1)

        document = try document.complete(Fixture.project(25), on: Fixture.date("2026-01-02"), force: true)
        let withBonus = try document.snapshot().pace(on: Fixture.date("2026-01-03"))
        #expect(withBonus.completed == 2)
        #expect(withBonus.projectsAhead == 0)

        let quarterEnd = try document.snapshot().pace(on: Fixture.date("2026-05-18"))  // planned 8
        #expect(quarterEnd.planned == 8)
        #expect(quarterEnd.projectsAhead == -6)
        let late = try document.snapshot().pace(on: Fixture.date("2027-03-01"))
        #expect(late.planned == 17)
        #expect(late.monthsElapsed == 12)
    }

    @Test("next lists quarter projects before Bonus ones")
    func nextOrder() throws {
        var document = try Fixture.document()
        for number in 1...16 { document = try document.skip(Fixture.project(number), on: Fixture.date("2025-12-01")) }
        let pace = try document.snapshot().pace(on: Fixture.date("2025-12-01"), nextCount: 2)
        #expect(pace.next.map(\.number.value) == [17, 18])
    }
}
