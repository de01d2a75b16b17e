/// Reads typed values out of an input tree, noting every value of the wrong type in `problems` with its place.
///
/// Each reader returns `nil` for a value it could not read (after noting why), so parsing goes on and one pass
/// finds every problem of a map.
struct InputReader {
    let problems: Problems

    func fail(_ path: InputPath, _ message: String) {
        problems.add(path, message)
    }

    func wrongType(_ path: InputPath, _ expected: String, _ value: InputValue) {
        fail(path, "expected \(expected), got \(Self.describe(value))")
    }

    /// `a string "x"`, `a number 8`, `a table`: how a wrong value is named in a message.
    static func describe(_ value: InputValue) -> String {
        switch value {
        case .string(let s): return "string \"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
        case .int, .double: return "number \(value.scalarText ?? "")"
        case .bool(let b): return "boolean \(b)"
        case .null: return "nil"
        case .list: return "a list"
        case .dict: return "a table with named fields"
        case .lazy: return "a function"
        }
    }

    /// A plain string (a name that must be known now, never lazy).
    func name(_ value: InputValue, _ path: InputPath) -> String? {
        if case .string(let s) = value {
            if s.isEmpty { fail(path, "expected a name, got an empty string") ; return nil }
            return s
        }
        wrongType(path, "a string", value)
        return nil
    }

    /// A string, or a function giving one later.
    func text(_ value: InputValue, _ path: InputPath) -> InputValue? {
        switch value {
        case .string, .lazy: return value
        default:
            wrongType(path, "a string or a function", value)
            return nil
        }
    }

    /// A string or a number (ports, signals), or a function giving one later.
    func scalar(_ value: InputValue, _ path: InputPath, _ expected: String = "a string or a number") -> InputValue? {
        switch value {
        case .string, .int, .lazy: return value
        case .double(let d) where d.rounded() == d: return .int(Int64(d))
        default:
            wrongType(path, expected, value)
            return nil
        }
    }

    func bool(_ value: InputValue, _ path: InputPath) -> Bool? {
        if case .bool(let b) = value { return b }
        wrongType(path, "a boolean", value)
        return nil
    }

    /// A number of seconds (or any non-negative number).
    func number(_ value: InputValue, _ path: InputPath) -> Double? {
        switch value {
        case .int(let i) where i >= 0: return Double(i)
        case .double(let d) where d >= 0 && d.isFinite: return d
        default:
            wrongType(path, "a non-negative number", value)
            return nil
        }
    }

    /// A dictionary of options (kept as written), or a function giving one later.
    func options(_ value: InputValue, _ path: InputPath) -> InputValue? {
        switch value {
        case .dict, .lazy: return value
        case .null: return .dict([])
        case .list(let items) where items.isEmpty: return .dict([])
        default:
            wrongType(path, "a table with named fields or a function", value)
            return nil
        }
    }

    /// Docker-Map's `get_list`: nothing is an empty list, one string (or function) a list of one, a list stays a
    /// list. Each item comes with its place.
    func simpleList(_ value: InputValue, _ path: InputPath) -> [(InputValue, InputPath)]? {
        switch value {
        case .null: return []
        case .string, .lazy: return [(value, path)]
        case .list(let items): return items.enumerated().map { ($0.element, path.index($0.offset + 1)) }
        case .dict(let entries) where entries.isEmpty: return []
        default:
            wrongType(path, "a string or a list", value)
            return nil
        }
    }

    /// A list of names (`instances`, `extends`, `clients`).
    func names(_ value: InputValue, _ path: InputPath) -> [String] {
        guard let items = simpleList(value, path) else { return [] }
        var seen = Set<String>()
        return items.compactMap { item, itemPath in
            guard let name = name(item, itemPath) else { return nil }
            return seen.insert(name).inserted ? name : nil
        }
    }

    /// Docker-Map's `_get_listed_tuples`: the items of a list property. A list gives its items; a table with named
    /// fields gives each entry as a pair `{key, value}` (Docker-Map converts a dict item by item); a Lua table that
    /// has both gives its list part, then its pairs. A single string, number or function is one item.
    func listItems(_ value: InputValue, _ path: InputPath) -> [(InputValue, InputPath)]? {
        switch value {
        case .null: return []
        case .string, .lazy, .int, .double: return [(value, path)]
        case .list(let items): return items.enumerated().map { ($0.element, path.index($0.offset + 1)) }
        case .dict(let entries):
            var out: [(InputValue, InputPath)] = []
            var next: Int64 = 1
            for (key, item) in entries {
                if case .int(let i) = key, i == next {
                    out.append((item, path.index(Int(i))))
                    next += 1
                } else {
                    out.append((.list([key, item]), path.key(key)))
                }
            }
            return out
        case .bool:
            wrongType(path, "a list", value)
            return nil
        }
    }

    /// The named fields of an element given as a table: each known field's value, noting unknown fields.
    func fields(_ entries: [(key: InputValue, value: InputValue)], _ path: InputPath, known: [String])
        -> [String: InputValue]
    {
        var out: [String: InputValue] = [:]
        for (key, item) in entries {
            guard let name = key.stringValue, known.contains(name) else {
                let text = key.scalarText ?? key.typeName
                fail(path.key(key), "unknown field '\(text)'\(Suggest.hint(text, known)); expected \(known.joined(separator: ", "))")
                continue
            }
            out[name] = item
        }
        return out
    }

    /// The entries of a configuration table whose keys are `known` properties, each with its place; an unknown
    /// property is noted with the nearest name.
    func properties(_ entries: [(key: InputValue, value: InputValue)], _ path: InputPath, known: [String])
        -> [(name: String, value: InputValue, path: InputPath)]
    {
        entries.compactMap { key, item in
            guard let name = key.stringValue, known.contains(name) else {
                let text = key.scalarText ?? key.typeName
                fail(path.key(key), "unknown property" + (Suggest.nearest(text, known).map { " (did you mean \($0)?)" } ?? ""))
                return nil
            }
            return (name, item, path.key(name))
        }
    }

    /// Python's `bool(v) and v != 'rw'`: Docker-Map's read-only flag.
    static func readOnly(_ value: InputValue) -> Bool {
        value.isTruthy && value != .string("rw")
    }

    /// Whether a value reads as a read-only flag (`true`, `false`, `"ro"`, `"rw"`) rather than a path.
    static func isAccessFlag(_ value: InputValue) -> Bool {
        switch value {
        case .bool: return true
        case .string(let s): return s == "ro" || s == "rw"
        default: return false
        }
    }
}
