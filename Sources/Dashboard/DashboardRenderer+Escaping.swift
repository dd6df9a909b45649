extension DashboardRenderer {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities: safe in element content and in quoted
    /// attribute values. It is the escaping the kit's templates apply to every `{{value}}`; pages render through
    /// templates, so this is only for the rare text that is not.
    public static func escape(_ text: some StringProtocol) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}
