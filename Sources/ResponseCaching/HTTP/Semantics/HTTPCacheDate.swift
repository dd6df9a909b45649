/// HTTP-date parsing and formatting (RFC 9110 §5.6.7), in whole seconds since the Unix epoch.
///
/// Parsing accepts the preferred IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) and the two obsolete forms,
/// RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`). Day and month names and
/// `GMT` are matched case-insensitively; anything else (other time zones, missing comma, extra spaces, two-digit
/// years outside RFC 850) is invalid.
public enum HTTPCacheDate: Sendable {
    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let longDayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    private static let monthNames = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// Parses an HTTP-date.
    /// - Parameters:
    ///   - text: the field value.
    ///   - now: the current time in seconds since the epoch, used to place RFC 850 two-digit years (a date more
    ///     than 50 years in the future is moved back a century); without it, years 70–99 are 19xx, others 20xx.
    /// - Returns: seconds since the epoch, or `nil` when the text is not a valid HTTP-date.
    public static func parse(_ text: String, now: Int64? = nil) -> Int64? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false)
        switch parts.count {
        case 6 where parts[0].hasSuffix(","):
            return Self.imfFixdate(parts)
        case 4 where parts[0].hasSuffix(","):
            return Self.rfc850(parts, now: now)
        case 5, 6:
            return Self.asctime(parts.filter { !$0.isEmpty }, paddedDay: parts.count == 6)
        default:
            return nil
        }
    }

    /// Formats seconds since the epoch as an IMF-fixdate, for example `Sun, 06 Nov 1994 08:49:37 GMT`.
    /// - Parameter seconds: seconds since the epoch.
    public static func format(_ seconds: Int64) -> String {
        let days = Self.floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civil(fromDays: days)
        let weekday = Int(Self.floorModulo(days + 4, 7))
        let time = [secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60].map { Self.twoDigits($0) }
        let yearText = String(year)
        let paddedYear = String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText
        return "\(Self.dayNames[weekday]), \(Self.twoDigits(day)) \(Self.monthNames[Int(month) - 1]) \(paddedYear) "
            + "\(time.joined(separator: ":")) GMT"
    }

    private static func imfFixdate(_ parts: [Substring]) -> Int64? {
        guard Self.dayIndex(parts[0].dropLast(), names: Self.dayNames.map { $0.lowercased() }) != nil,
            parts[1].count == 2, let day = Self.number(parts[1]),
            let month = Self.monthIndex(parts[2]),
            parts[3].count == 4, let year = Self.number(parts[3]),
            parts[5].lowercased() == "gmt"
        else { return nil }
        return Self.timestamp(year: year, month: month, day: day, time: parts[4])
    }

    private static func rfc850(_ parts: [Substring], now: Int64?) -> Int64? {
        let date = parts[1].split(separator: "-", omittingEmptySubsequences: false)
        guard Self.dayIndex(parts[0].dropLast(), names: Self.longDayNames) != nil,
            date.count == 3, date[0].count == 2, let day = Self.number(date[0]),
            let month = Self.monthIndex(date[1]),
            date[2].count == 2, let shortYear = Self.number(date[2]),
            parts[3].lowercased() == "gmt"
        else { return nil }
        var year: Int64
        if let now {
            let currentYear = Self.civil(fromDays: Self.floorDivide(now, 86_400)).year
            year = currentYear - Self.floorModulo(currentYear, 100) + shortYear
            if year > currentYear + 50 { year -= 100 }
        } else {
            year = shortYear >= 70 ? 1900 + shortYear : 2000 + shortYear
        }
        return Self.timestamp(year: year, month: month, day: day, time: parts[2])
    }

    private static func asctime(_ parts: [Substring], paddedDay: Bool) -> Int64? {
        guard parts.count == 5,
            Self.dayIndex(parts[0], names: Self.dayNames.map { $0.lowercased() }) != nil,
            let month = Self.monthIndex(parts[1]),
            paddedDay ? parts[2].count == 1 : parts[2].count == 2, let day = Self.number(parts[2]),
            parts[4].count == 4, let year = Self.number(parts[4])
        else { return nil }
        return Self.timestamp(year: year, month: month, day: day, time: parts[3])
    }

    private static func timestamp(year: Int64, month: Int64, day: Int64, time: Substring) -> Int64? {
        let clock = time.split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
            let hour = Self.number(clock[0]), let minute = Self.number(clock[1]), let second = Self.number(clock[2]),
            hour < 24, minute < 60, second <= 60,
            day >= 1, day <= Self.daysIn(month: month, year: year)
        else { return nil }
        let days = Self.days(year: year, month: month, day: day)
        return days * 86_400 + hour * 3600 + minute * 60 + min(second, 59)
    }

    private static func number(_ text: Substring) -> Int64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return Int64(text)
    }

    private static func dayIndex(_ text: Substring, names: [String]) -> Int? {
        names.firstIndex(of: text.lowercased())
    }

    private static func monthIndex(_ text: Substring) -> Int64? {
        Self.monthNames.firstIndex { $0.lowercased() == text.lowercased() }.map { Int64($0) + 1 }
    }

    private static func twoDigits(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    private static func isLeap(_ year: Int64) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: Self.isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : (value - divisor + 1) / divisor
    }

    private static func floorModulo(_ value: Int64, _ divisor: Int64) -> Int64 {
        value - Self.floorDivide(value, divisor) * divisor
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = Self.floorDivide(shiftedYear, 400)
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = Self.floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
