/// An element of `binds`: a volume alias shared from the host (`SharedVolume`), or a container path bound to a host
/// path (`HostVolume`). Docker-Map's `SharedHostVolumesList`.
public enum BindEntry: ListElement {
    case alias(name: String, readonly: Bool)
    /// `hostPath` is a string, a function, or a table of paths per instance (`default` for no instance).
    case host(path: InputValue, hostPath: InputValue, readonly: Bool)

    static func parse(_ item: InputValue, _ path: InputPath, _ r: InputReader) -> BindEntry? {
        switch item {
        case .string(let s): return .alias(name: s, readonly: false)
        case .list(let values): return fromTuple(values, path, r)
        case .dict(let entries):
            if entries.count == 1, let (k, v) = entries.first.map({ ($0.key, $0.value) }) {
                if k == .string("name") { return r.name(v, path.key("name")).map { .alias(name: $0, readonly: false) } }
                if k.stringValue.map(["path", "host_path", "readonly"].contains) != true {
                    if case .list(let nested) = v { return fromTuple([k] + nested, path, r) }
                    return fromTuple([k, v], path, r)
                }
            }
            let f = r.fields(entries, path, known: ["name", "path", "host_path", "readonly"])
            let readonly = f["readonly"].map(InputReader.readOnly) ?? false
            if f["path"] != nil || f["host_path"] != nil {
                guard let p = f["path"], let h = f["host_path"] else {
                    r.fail(path, "a host bind needs both 'path' and 'host_path'")
                    return nil
                }
                return host(p, h, readonly, path, r)
            }
            guard let name = f["name"] else {
                r.fail(path, "a bind needs 'name' (a volume alias) or 'path' and 'host_path'")
                return nil
            }
            return r.name(name, path.key("name")).map { .alias(name: $0, readonly: readonly) }
        default:
            r.wrongType(path, "a volume alias, a list or a table", item)
            return nil
        }
    }

    private static func fromTuple(_ values: [InputValue], _ path: InputPath, _ r: InputReader) -> BindEntry? {
        switch values.count {
        case 1:
            return r.name(values[0], path.index(1)).map { .alias(name: $0, readonly: false) }
        case 2:
            let (v0, v1) = (values[0], values[1])
            // `- app_data:` in YAML (an alias with nothing after it), as Docker-Map's own example writes it: the
            // alias, read-write (Docker-Map turns it into a host bind without a host path, which fails later).
            if v1.isNull { return r.name(v0, path.index(1)).map { .alias(name: $0, readonly: false) } }
            if case .list(let nested) = v1 {
                switch nested.count {
                case 2: return host(v0, nested[0], InputReader.readOnly(nested[1]), path, r)
                case 1 where InputReader.isAccessFlag(nested[0]):
                    return r.name(v0, path.index(1)).map { .alias(name: $0, readonly: InputReader.readOnly(nested[0])) }
                case 1: return host(v0, nested[0], false, path, r)
                default:
                    r.fail(path.index(2), "expected {host_path} or {host_path, readonly}, got \(nested.count) items")
                    return nil
                }
            }
            if InputReader.isAccessFlag(v1) {
                return r.name(v0, path.index(1)).map { .alias(name: $0, readonly: InputReader.readOnly(v1)) }
            }
            return host(v0, v1, false, path, r)
        case 3:
            return host(values[0], values[1], InputReader.readOnly(values[2]), path, r)
        default:
            r.fail(path, "a bind has 1 to 3 items (alias, or container path, host path, readonly); got \(values.count)")
            return nil
        }
    }

    private static func host(_ p: InputValue, _ h: InputValue, _ readonly: Bool, _ path: InputPath, _ r: InputReader)
        -> BindEntry?
    {
        guard let containerPath = r.text(p, path.index(1)) else { return nil }
        if case .string(let s) = containerPath, !isPath(s) {
            r.fail(path.index(1), "'\(s)' is not a path inside the container (start it with / or ./); a volume alias "
                + "stands alone or with a read-only flag")
            return nil
        }
        switch h {
        case .string, .lazy: break
        case .dict(let entries):
            for (key, value) in entries {
                _ = r.name(key, path.index(2))
                _ = r.text(value, path.index(2).key(key))
            }
        default:
            r.wrongType(path.index(2), "a host path, a function or a table of paths per instance", h)
            return nil
        }
        return .host(path: containerPath, hostPath: h, readonly: readonly)
    }

    /// Docker-Map's `is_path`: starts with `/` or `./`.
    static func isPath(_ s: String) -> Bool { s.hasPrefix("/") || s.hasPrefix("./") }

    var input: InputValue {
        switch self {
        case .alias(let name, let readonly): return .fields([("name", .string(name)), ("readonly", .bool(readonly))])
        case .host(let path, let hostPath, let readonly):
            return .fields([("path", path), ("host_path", hostPath), ("readonly", .bool(readonly))])
        }
    }

    var mergeKey: InputValue {
        switch self {
        case .alias(let name, _): return .string(name)
        case .host(let path, _, _): return path
        }
    }
}

/// An element of `attaches`: a named volume attached to the container, at the path `volumes[name]` gives or at an
/// inline `path`. Docker-Map's `AttachedVolumeList` (never read-only).
public struct AttachedVolume: ListElement {
    public var name: String
    public var path: InputValue?

    static func parse(_ item: InputValue, _ path: InputPath, _ r: InputReader) -> AttachedVolume? {
        switch item {
        case .string(let s): return AttachedVolume(name: s, path: nil)
        case .list(let values):
            guard (1...2).contains(values.count) else {
                r.fail(path, "an attached volume has 1 or 2 items (alias, path); got \(values.count)")
                return nil
            }
            guard let name = r.name(values[0], path.index(1)) else { return nil }
            if values.count == 2, values[1].isTruthy {
                return r.text(values[1], path.index(2)).map { AttachedVolume(name: name, path: $0) }
            }
            return AttachedVolume(name: name, path: nil)
        case .dict(let entries):
            if entries.count == 1, let first = entries.first, first.key.stringValue.map(["name", "path"].contains) != true {
                guard let name = r.name(first.key, path) else { return nil }
                if first.value.isNull { return AttachedVolume(name: name, path: nil) }
                return r.text(first.value, path.key(first.key)).map { AttachedVolume(name: name, path: $0) }
            }
            let f = r.fields(entries, path, known: ["name", "path", "readonly"])
            if let ro = f["readonly"], ro.isTruthy {
                r.fail(path.key("readonly"), "an attached volume cannot be read-only (use it read-only in 'uses')")
            }
            guard let nameValue = f["name"] else {
                r.fail(path, "an attached volume needs a 'name'")
                return nil
            }
            guard let name = r.name(nameValue, path.key("name")) else { return nil }
            if let p = f["path"], !p.isNull {
                return r.text(p, path.key("path")).map { AttachedVolume(name: name, path: $0) }
            }
            return AttachedVolume(name: name, path: nil)
        default:
            r.wrongType(path, "a volume alias, a list or a table", item)
            return nil
        }
    }

    var input: InputValue { .fields([("name", .string(name)), ("path", path)]) }
    var mergeKey: InputValue { .string(name) }
}

/// An element of `uses`: a volume of another container (an attached alias, `parent.alias`, a configuration or
/// `config.instance`), optionally at another path, optionally read-only. Docker-Map's `UsedVolumeList`.
public struct UsedVolume: ListElement {
    public var name: String
    public var path: InputValue?
    public var readonly: Bool

    static func parse(_ item: InputValue, _ path: InputPath, _ r: InputReader) -> UsedVolume? {
        switch item {
        case .string(let s): return UsedVolume(name: s, path: nil, readonly: false)
        case .list(let values): return fromTuple(values, path, r)
        case .dict(let entries):
            if entries.count == 1, let first = entries.first,
                first.key.stringValue.map(["name", "path", "readonly"].contains) != true
            {
                if case .list(let nested) = first.value { return fromTuple([first.key] + nested, path, r) }
                return fromTuple([first.key, first.value], path, r)
            }
            let f = r.fields(entries, path, known: ["name", "path", "readonly"])
            guard let nameValue = f["name"], let name = r.name(nameValue, path.key("name")) else {
                if f["name"] == nil { r.fail(path, "a used volume needs a 'name'") }
                return nil
            }
            var p: InputValue?
            if let given = f["path"], !given.isNull {
                guard let t = r.text(given, path.key("path")) else { return nil }
                p = t
            }
            return UsedVolume(name: name, path: p, readonly: f["readonly"].map(InputReader.readOnly) ?? false)
        default:
            r.wrongType(path, "a volume name, a list or a table", item)
            return nil
        }
    }

    private static func fromTuple(_ values: [InputValue], _ path: InputPath, _ r: InputReader) -> UsedVolume? {
        guard (1...3).contains(values.count) else {
            r.fail(path, "a used volume has 1 to 3 items (name, path, readonly); got \(values.count)")
            return nil
        }
        guard let name = r.name(values[0], path.index(1)) else { return nil }
        func withPath(_ p: InputValue, _ readonly: Bool) -> UsedVolume? {
            if p.isNull { return UsedVolume(name: name, path: nil, readonly: readonly) }
            return r.text(p, path.index(2)).map { UsedVolume(name: name, path: $0, readonly: readonly) }
        }
        switch values.count {
        case 1: return UsedVolume(name: name, path: nil, readonly: false)
        case 3: return withPath(values[1], InputReader.readOnly(values[2]))
        default:
            let v1 = values[1]
            if case .list(let nested) = v1 {
                switch nested.count {
                case 2: return withPath(nested[0], InputReader.readOnly(nested[1]))
                case 1 where InputReader.isAccessFlag(nested[0]):
                    return UsedVolume(name: name, path: nil, readonly: InputReader.readOnly(nested[0]))
                case 1: return withPath(nested[0], false)
                default:
                    r.fail(path.index(2), "expected {path} or {path, readonly}, got \(nested.count) items")
                    return nil
                }
            }
            if InputReader.isAccessFlag(v1) {
                return UsedVolume(name: name, path: nil, readonly: InputReader.readOnly(v1))
            }
            return withPath(v1, false)
        }
    }

    var input: InputValue {
        .fields([("name", .string(name)), ("path", path), ("readonly", .bool(readonly))])
    }
    var mergeKey: InputValue { .string(name) }
}
