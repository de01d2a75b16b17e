/// One compiled `.dockerignore` pattern, with moby/patternmatcher's semantics (`New`, `compile`, `match`).
///
/// moby classifies each pattern: a plain string matches exactly; `prefix/**` by prefix; `**suffix` by suffix;
/// everything else as a regular expression in which `*` and `?` stay within one path element and `**` spans any
/// number of them (none included). `[...]` and `\` are checked with Go's `filepath.Match` rules first.
struct IgnorePattern: Sendable {
    enum Matcher: Sendable {
        case exact(String)
        case prefix(String)
        case suffix(String)
        case regex(IgnoreRegex)
    }

    /// The pattern as compiled: trimmed, cleaned, without the leading `!`.
    let pattern: String
    /// A `!` line: a match re-includes.
    let isException: Bool
    let matcher: Matcher

    /// Compiles one pattern as `patternmatcher.New` does: trim, `filepath.Clean`, `!` prefix, syntax check.
    /// Returns nil for an empty pattern; throws a readable reason for a lone `!` or a malformed pattern.
    init?(_ raw: String) throws(IgnoreRegex.SyntaxError) {
        let trimmed = Self.trimSpace(raw)
        if trimmed.isEmpty { return nil }
        var text = SlashPath.clean(trimmed)
        isException = text.unicodeScalars.first == "!"
        if isException {
            text = String(String.UnicodeScalarView(text.unicodeScalars.dropFirst()))
            if text.isEmpty { throw IgnoreRegex.SyntaxError(reason: "illegal exclusion pattern: \"!\"") }
        }
        if let reason = Self.globSyntaxError(Array(text.unicodeScalars)) {
            throw IgnoreRegex.SyntaxError(reason: "syntax error in pattern '\(text)': \(reason)")
        }
        pattern = text
        do {
            matcher = try Self.compile(text)
        } catch {
            throw IgnoreRegex.SyntaxError(reason: "syntax error in pattern '\(text)': \(error.reason)")
        }
    }

    /// Whether `path` (relative, cleaned, slash-separated) itself matches; parents are the caller's business.
    /// `scalars` are those of `path`.
    func matches(_ path: String, scalars: [Unicode.Scalar]) -> Bool {
        switch matcher {
        case .exact(let text): return path.utf8.elementsEqual(text.utf8)
        case .prefix(let prefix): return SlashPath.hasPrefix(path, prefix)
        case .suffix(let suffix):
            if SlashPath.hasSuffix(path, suffix) { return true }
            // `**/foo` matches `foo`
            let slash = UInt8(ascii: "/")
            return suffix.utf8.first == slash && path.utf8.elementsEqual(suffix.utf8.dropFirst())
        case .regex(let regex): return regex.matches(scalars)
        }
    }

    /// Whether this pattern could match some path strictly below `directory`; true when unsure.
    func couldMatch(below directory: String) -> Bool {
        let base = directory + "/"
        switch matcher {
        case .exact(let text): return SlashPath.hasPrefix(text, base) && text.utf8.count > base.utf8.count
        case .prefix(let prefix): return SlashPath.hasPrefix(base, prefix) || SlashPath.hasPrefix(prefix, base)
        case .suffix: return true
        case .regex(let regex): return regex.canContinue(after: Array(base.unicodeScalars))
        }
    }

    // MARK: - Compilation

    /// moby's `compile`: the match type, and for regular expressions the expression, built element by element
    /// (`*` → `[^/]*`, `?` → `[^/]`, `**/` and inner `**` → `(.*/)?`, final `**` → `.*`, `\x` kept, `[`/`]` kept,
    /// `.+()$` escaped, everything else as is).
    private static func compile(_ text: String) throws(IgnoreRegex.SyntaxError) -> Matcher {
        enum Kind { case exact, prefix, suffix, regex }
        var kind = Kind.exact
        var regex = "^"
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var element = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            defer { element += 1 }
            switch scalar {
            case "*":
                guard index < scalars.count, scalars[index] == "*" else {
                    regex += "[^/]*"
                    kind = .regex
                    continue
                }
                index += 1
                if index < scalars.count, scalars[index] == "/" { index += 1 }
                if index == scalars.count {
                    if kind == .exact {
                        kind = .prefix
                    } else {
                        regex += ".*"
                        kind = .regex
                    }
                } else {
                    regex += "(.*/)?"
                    kind = .regex
                }
                if element == 0 { kind = .suffix }
            case "?":
                regex += "[^/]"
                kind = .regex
            case ".", "+", "(", ")", "$":
                // moby's table also lists `|`, `{` and `}`, but its bitmap drops every code from 64 up: they stay
                // bare, and act as alternation and repetition.
                regex += "\\" + String(scalar)
            case "\\":
                if index < scalars.count {
                    regex += "\\" + String(scalars[index])
                    index += 1
                    kind = .regex
                } else {
                    regex += "\\"
                }
            case "[", "]":
                regex += String(scalar)
                kind = .regex
            default:
                regex.unicodeScalars.append(scalar)
            }
        }
        switch kind {
        case .exact: return .exact(text)
        case .prefix: return .prefix(String(String.UnicodeScalarView(scalars.dropLast(2))))
        case .suffix: return .suffix(String(String.UnicodeScalarView(scalars.dropFirst(2))))
        case .regex: return .regex(try IgnoreRegex(regex + "$"))
        }
    }

    /// Go's `filepath.Match` syntax check (what `Match(pattern, ".")` reports): `\` must escape something, and a
    /// `[...]` class must be closed, non-empty, and made of characters or ranges (`]` and `-` only escaped).
    static func globSyntaxError(_ s: [Unicode.Scalar]) -> String? {
        var index = 0
        // Go's getEsc: one class character, which must not end the pattern.
        func classCharacter() -> Bool {
            guard index < s.count, s[index] != "-", s[index] != "]" else { return false }
            if s[index] == "\\" {
                index += 1
                if index >= s.count { return false }
            }
            index += 1
            return index < s.count
        }
        while index < s.count {
            switch s[index] {
            case "\\":
                index += 2
                if index > s.count { return "trailing backslash" }
            case "[":
                index += 1
                if index < s.count, s[index] == "^" { index += 1 }
                var ranges = 0
                while !(index < s.count && s[index] == "]" && ranges > 0) {
                    guard classCharacter() else { return "malformed character class" }
                    if s[index] == "-" {
                        index += 1
                        guard classCharacter() else { return "malformed character range" }
                    }
                    ranges += 1
                }
                index += 1
            default:
                index += 1
            }
        }
        return nil
    }

    /// Go's `strings.TrimSpace`: Unicode white space off both ends.
    static func trimSpace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
