import Foundation

/// The text formats of Docker-Map's `build/dockerfile.py`: `format_command`, `format_expose`, `format_labels`, and
/// `json.dumps` as Python writes it. Pure functions over already-validated values (see `Dockerfile.Property`).
public enum DockerfileFormat {
    /// A scalar as Python's `str()` would write it, with Lua's number formatting: strings as they are, integers in
    /// decimal, floats as `%.14g` (with `.0` added to integral values, as Lua's `tostring` does). `nil` for
    /// anything else (tables, booleans, nil).
    public static func word(_ value: Value) -> String? {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return luaNumber(d)
        default: return nil
        }
    }

    static func luaNumber(_ d: Double) -> String {
        if d.isNaN { return d.sign == .minus ? "-nan" : "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        let s = String(format: "%.14g", d)
        return s.contains(where: { "0123456789-".contains($0) == false }) ? s : s + ".0"
    }

    /// `format_command(cmd, shell)`: the argument of `CMD` or `ENTRYPOINT`. An empty string or list gives `[]` in
    /// either form. Shell form: a list joined with spaces, a string as it is. Exec form: a JSON array; a string is
    /// split on single spaces, a part ending in `\` being joined with the next (`a b\ c d` → `["a", "b\\ c", "d"]`).
    ///
    /// `value` must be a string or an array of strings (`Dockerfile.set` normalizes it so); anything else gives `[]`.
    public static func command(_ value: Value, shell: Bool) -> String {
        switch value {
        case .string(""), .array([]), .object([:]): return "[]"
        case .string(let s): return shell ? s : jsonArray(splitCommand(s))
        case .array(let items):
            let words = items.compactMap(word)
            return shell ? words.joined(separator: " ") : jsonArray(words)
        default: return "[]"
        }
    }

    /// Docker-Map's `_split_cmd`: splits on each single space, re-joining a part that ends in a backslash with the
    /// next one. Docker-Map raises `IndexError` on an empty part (two spaces in a row, or a leading or trailing
    /// space); here an empty part ends a pending backslash-continued word, and is otherwise skipped.
    static func splitCommand(_ s: String) -> [String] {
        var words: [String] = []
        var pending: String?
        for part in s.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            if part.isEmpty && pending == nil { continue }
            let line = pending.map { "\($0) \(part)" } ?? part
            if part.hasSuffix("\\") {
                pending = line
            } else {
                words.append(line)
                pending = nil
            }
        }
        if let pending { words.append(pending) }
        return words
    }

    /// `format_labels` for a string (as it is), an object (`"k"="v"`, sorted by key), or an array of pairs. A newline
    /// in a value becomes a backslash and a newline (a Dockerfile line continuation). Quotes are not escaped, as in
    /// Docker-Map.
    ///
    /// Docker-Map writes a dict in its insertion order; a Lua table has none, so keys are sorted to make the output
    /// deterministic.
    public static func labels(_ value: Value) -> [String] {
        func pair(_ key: String, _ value: String) -> String {
            "\"\(key)\"=\"\(value.replacingOccurrences(of: "\n", with: "\\\n"))\""
        }
        switch value {
        case .string(let s): return s.isEmpty ? [] : [s]
        case .object(let fields):
            return fields.keys.sorted().compactMap { key in word(fields[key]!).map { pair(key, $0) } }
        case .array(let pairs):
            return pairs.compactMap { item in
                guard case .array(let kv) = item, kv.count == 2, let k = word(kv[0]), let v = word(kv[1]) else { return nil }
                return pair(k, v)
            }
        default: return []
        }
    }

    /// `json.dumps` of a list of strings as Python writes it by default: `", "` between items, and `ensure_ascii`
    /// escapes (`\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, and `\uXXXX` in lower-case hex for every other character
    /// outside printable ASCII, as UTF-16 surrogate pairs beyond the BMP).
    public static func jsonArray(_ items: [String]) -> String {
        "[" + items.map(jsonString).joined(separator: ", ") + "]"
    }

    /// One JSON string literal in Python's `json.dumps` style (see `jsonArray`).
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for unit in s.utf16 {
            switch unit {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            default:
                let hex = String(unit, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return out + "\""
    }
}
