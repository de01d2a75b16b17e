/// Typed reads of an options table (`{ list_only = true, stop_timeout = 5 }` converted to `[String: Value]`).
///
/// Each accessor returns `nil` when the option is absent (or `dmap.null`, which stands for `nil` in a table), the
/// value when it has the type asked for, and otherwise throws a `usage` error that names the option:
/// `option 'list_only' must be a boolean, got string`. A value of the wrong type never falls back to the default.
/// `path` names options of a nested table in messages (`"tls"` gives `option 'tls.verify' …`).
///
/// Read every option before the first call to an engine, so that a wrong one fails before anything is done.
extension [String: Value] {
    /// The option under `key`, `nil` when absent or `dmap.null`.
    func option(_ key: String) -> Value? {
        switch self[key] {
        case nil, .null?: return nil
        case let v?: return v
        }
    }

    /// A boolean option.
    func bool(_ key: String, in path: String? = nil) throws -> Bool? {
        guard let v = option(key) else { return nil }
        guard case .bool(let b) = v else { throw Self.wrongType(key, path, "a boolean", v) }
        return b
    }

    /// An integer option: a Lua integer, or a float with an integral value (`3.0`); `2.5` is an error.
    func int(_ key: String, in path: String? = nil) throws -> Int64? {
        guard let v = option(key) else { return nil }
        guard let i = v.intValue else { throw Self.wrongType(key, path, "an integer", v) }
        return i
    }

    /// A number option (integer or not), such as seconds where fractions are allowed.
    func number(_ key: String, in path: String? = nil) throws -> Double? {
        guard let v = option(key) else { return nil }
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: throw Self.wrongType(key, path, "a number", v)
        }
    }

    /// A string option.
    func string(_ key: String, in path: String? = nil) throws -> String? {
        guard let v = option(key) else { return nil }
        guard case .string(let s) = v else { throw Self.wrongType(key, path, "a string", v) }
        return s
    }

    /// A list of strings.
    func strings(_ key: String, in path: String? = nil) throws -> [String]? {
        guard let v = option(key) else { return nil }
        if case .object(let fields) = v, fields.isEmpty { return [] }  // `{}` converts as an empty table
        guard case .array(let items) = v, items.allSatisfy({ $0.stringValue != nil }) else {
            if case .array = v { throw DMapError(.usage, "option '\(Self.name(key, path))' must hold only strings") }
            throw Self.wrongType(key, path, "a list of strings", v)
        }
        return items.compactMap(\.stringValue)
    }

    /// A table (with named fields) option.
    func table(_ key: String, in path: String? = nil) throws -> [String: Value]? {
        guard let v = option(key) else { return nil }
        guard case .object(let fields) = v else { throw Self.wrongType(key, path, "a table", v) }
        return fields
    }

    static func name(_ key: String, _ path: String?) -> String {
        path.map { "\($0).\(key)" } ?? key
    }

    /// `option 'NAME' must be WHAT, got TYPE`; a number that is not integral is shown (`got 2.5`).
    static func wrongType(_ key: String, _ path: String?, _ what: String, _ v: Value) -> DMapError {
        let got = what == "an integer" ? v.doubleDescription ?? v.typeName : v.typeName
        return DMapError(.usage, "option '\(name(key, path))' must be \(what), got \(got)")
    }
}

extension Value {
    /// A float as Lua would print it in a message (`2.5`), else `nil`.
    var doubleDescription: String? {
        if case .double(let d) = self { return "\(d)" }
        return nil
    }
}
