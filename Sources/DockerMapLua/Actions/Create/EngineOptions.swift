/// An option table (`create_options`, `host_config`, a volume's or network's `create_options`) converted from
/// docker-py keyword arguments to Engine API fields, in the order written.
///
/// Functions are resolved first (the table itself, and everything in it). A `nil` value is left out (it cannot unset
/// anything, as in Docker-Map). Engine API names (`Env`, `Memory`: any key that starts with a capital letter) pass
/// unchanged; an unknown keyword is a `config` error with a suggestion.
struct EngineOptions {
    enum Scope {
        /// A container's `create_options`: create keywords, and host keywords (which go to `HostConfig`).
        case create
        /// A container's `host_config`: host keywords only; everything goes to `HostConfig`.
        case host
        case volume, network

        var specs: [String: EngineOptionTables.Spec] {
            switch self {
            case .create: return EngineOptionTables.createWithHost
            case .host: return EngineOptionTables.host
            case .volume: return EngineOptionTables.volume
            case .network: return EngineOptionTables.network
            }
        }
    }

    /// Fields of the request body (the container's `Config`).
    var fields: [(key: String, value: Value)] = []
    /// Fields of the container's `HostConfig`.
    var host: [(key: String, value: Value)] = []

    /// Converts `table` (a table of options or a function giving one) written at `path`.
    static func convert(_ table: InputValue, _ path: InputPath, scope: Scope, object: String? = nil) throws
        -> EngineOptions
    {
        let resolved = try RequestValues.resolved(table)
        guard let entries = RequestValues.entries(resolved) else {
            throw RequestValues.fail(path, "expected a table of options, got \(InputReader.describe(resolved))",
                object: object)
        }
        let detach = entries.contains { $0.key == "detach" && $0.value == .bool(true) }
        let specs = scope.specs
        var out = EngineOptions()
        for (key, value) in entries where !value.isNull {
            let p = path.key(key)
            if let first = key.unicodeScalars.first, ("A"..."Z").contains(first) {
                try out.addEngineField(key, value, p, scope, object)
                continue
            }
            guard let spec = specs[key] else {
                throw RequestValues.fail(p, "unknown option" + hint(key, scope), object: object)
            }
            do {
                switch spec.kind {
                case .ignored: continue
                case .notAllowed(let why): throw RequestValues.fail(p, "not an option here: \(why)")
                case .hostOptions: out.host += try convert(value, p, scope: .host, object: object).host
                case .stdinOpen:
                    let on = try Convert.bool(value, p)
                    out.fields.append(("OpenStdin", .bool(on)))
                    if on, !detach { out.fields += [("AttachStdin", true), ("StdinOnce", true)] }
                default:
                    let converted = try Convert.value(spec.kind, value, p)
                    if spec.host || scope == .host { out.host.append((spec.json, converted)) }
                    else { out.fields.append((spec.json, converted)) }
                }
            } catch var error as DMapError {
                if error.object == nil { error.object = object }
                throw error
            }
        }
        return out
    }

    /// An Engine API field written as it is: in `create_options`, `HostConfig` fields go to the host configuration
    /// (and `HostConfig` itself is a table of them).
    private mutating func addEngineField(
        _ key: String, _ value: InputValue, _ path: InputPath, _ scope: Scope, _ object: String?
    ) throws {
        switch scope {
        case .host: host.append((key, RequestValues.json(value)))
        case .create where key == "HostConfig": host += try Self.convert(value, path, scope: .host, object: object).host
        case .create where EngineOptionTables.hostFields.contains(key): host.append((key, RequestValues.json(value)))
        default: fields.append((key, RequestValues.json(value)))
        }
    }

    private static func hint(_ key: String, _ scope: Scope) -> String {
        if scope == .host, EngineOptionTables.create[key] != nil {
            return " (it is a create option: put it in create_options)"
        }
        return Suggest.hint(key, scope.specs.keys)
    }

    /// Docker-Map's `update_kwargs` for one field: `nil` is skipped; `Cmd` and `Entrypoint` are replaced (the
    /// intended behaviour of quirk Q21; Docker-Map merges entrypoint lists); a list is united with the list already
    /// there (order kept, no duplicates); a table updates the table there (`NetworkingConfig` one level deeper, per
    /// network); anything else replaces.
    static func merge(_ key: String, _ value: Value, into target: inout [String: Value]) {
        switch value {
        case .null: return
        case _ where key == "Cmd" || key == "Entrypoint": target[key] = value
        case .array(let items):
            guard case .array(var current)? = target[key] else {
                target[key] = value
                return
            }
            for item in items where !current.contains(item) { current.append(item) }
            target[key] = .array(current)
        case .object(let fields):
            guard case .object(var current)? = target[key] else {
                target[key] = value
                return
            }
            for (k, v) in fields {
                if key == "NetworkingConfig", k == "EndpointsConfig", case .object(let endpoints) = v,
                    case .object(var existing)? = current[k]
                {
                    existing.merge(endpoints) { $1 }
                    current[k] = .object(existing)
                } else {
                    current[k] = v
                }
            }
            target[key] = .object(current)
        default: target[key] = value
        }
    }

    /// Merges every field of `fields` into `target`, in order.
    static func apply(_ fields: [(key: String, value: Value)], to target: inout [String: Value]) {
        for (key, value) in fields { merge(key, value, into: &target) }
    }
}
