/// Reading map values for engine requests: functions resolved, scalars turned into text, tables into JSON.
enum RequestValues {
    /// A `config` error at `path`.
    static func fail(_ path: InputPath, _ message: String, object: String? = nil) -> DMapError {
        DMapError(.config, "\(path): \(message)", object: object)
    }

    /// `value` with every function in it resolved, at any depth. Docker-Map resolves the options themselves and one
    /// level inside lists and tables; a function deeper down could not be sent to the engine either way.
    static func resolved(_ value: InputValue, depth: Int = 0) throws -> InputValue {
        guard depth < 64 else { throw DMapError(.config, "a value nests more than 64 levels deep") }
        switch value {
        case .lazy(let lazy): return try resolved(lazy.resolve(), depth: depth + 1)
        case .list(let items): return .list(try items.map { try resolved($0, depth: depth + 1) })
        case .dict(let entries):
            return .dict(try entries.map { (key: $0.key, value: try resolved($0.value, depth: depth + 1)) })
        default: return value
        }
    }

    /// The text of a value that may be a function: a string as it is, a number or boolean as Lua prints it.
    static func text(_ value: InputValue, _ path: InputPath) throws -> String {
        let v = try ContainerMap.resolve(value)
        guard let text = v.scalarText else {
            throw fail(path, "expected a string, got \(InputReader.describe(v))")
        }
        return text
    }

    /// The text of an optional value, `nil` when it is unset, `nil`, `false` or empty (Python's falsy values that
    /// Docker-Map skips; `0` is kept).
    static func optionalText(_ value: InputValue?, _ path: InputPath) throws -> String? {
        guard let value else { return nil }
        let v = try ContainerMap.resolve(value)
        switch v {
        case .null, .bool(false): return nil
        case .string(let s) where s.isEmpty: return nil
        default: return try text(v, path)
        }
    }

    /// The items of a list: a list, a Lua table with the items 1…n (and nothing else), or nothing (empty).
    static func items(_ value: InputValue) -> [InputValue]? {
        switch value {
        case .null: return []
        case .list(let items): return items
        case .dict(let entries):
            for (offset, entry) in entries.enumerated() where entry.key != .int(Int64(offset + 1)) { return nil }
            return entries.map(\.value)
        default: return nil
        }
    }

    /// The named entries of a table, keys as text (`[80]` becomes `"80"`); an empty list is an empty table.
    static func entries(_ value: InputValue) -> [(key: String, value: InputValue)]? {
        switch value {
        case .null: return []
        case .list(let items) where items.isEmpty: return []
        case .dict(let entries): return entries.map { (key: $0.key.scalarText ?? $0.key.typeName, value: $0.value) }
        default: return nil
        }
    }

    /// The JSON of a resolved value: a table with the items 1…n is an array, any other table an object.
    static func json(_ value: InputValue) -> Value {
        switch value {
        case .null, .lazy: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .list(let items): return .array(items.map(json))
        case .dict(let entries):
            if !entries.isEmpty, let list = items(value) { return .array(list.map(json)) }
            var out: [String: Value] = [:]
            for (key, item) in entries { out[key.scalarText ?? key.typeName] = json(item) }
            return .object(out)
        }
    }

    /// Docker-Map's `extract_user`: the user part of a user setting (`{user, group}` → user, a uid → its digits,
    /// `"name:group"` → `name`); `nil` when unset or empty.
    static func userPart(_ user: InputValue?, _ path: InputPath) throws -> String? {
        guard let user else { return nil }
        let v = try ContainerMap.resolve(user)
        switch v {
        case .null, .bool(false): return nil
        case .string(let s): return s.isEmpty ? nil : String(s[..<(s.firstIndex(of: ":") ?? s.endIndex)])
        case .int, .double: return v.scalarText
        default:
            if let pair = items(v), let first = pair.first { return try optionalText(first, path.index(1)) }
            throw fail(path, "expected a user name, uid, \"user:group\" or {user, group}, got \(InputReader.describe(v))")
        }
    }

    /// Python's `posixpath.join(root, path)` for a relative `path`.
    static func posixJoin(_ root: String, _ path: String) -> String {
        if path.hasPrefix("/") { return path }
        if root.isEmpty || root.hasSuffix("/") { return root + path }
        return root + "/" + path
    }

    /// A port as the engine names it: `80` → `80/tcp`; `"53/udp"` stays.
    static func portKey(_ port: InputValue) -> String {
        let text = port.scalarText ?? ""
        return text.contains("/") ? text : text + "/tcp"
    }
}
