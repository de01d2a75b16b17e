import OrderedCollections

/// A container map: Docker-Map's `ContainerMap`, a pure model with no engine calls.
///
/// Build one with `ContainerMap.parse(name:_:)`, which normalises every input form and validates the whole map at
/// once; every problem comes back in one `config` error, each with its place (`main.containers.app.links[1]`).
public struct ContainerMap: Equatable, Sendable {
    public let name: String
    public var repository: InputValue?
    public var defaultTag: InputValue?
    public var defaultDomain: InputValue?
    public var setHostname: Bool?
    public var useAttachedParentName: Bool?
    public var clients: [String] = []
    public var groups: OrderedDictionary<String, [String]> = [:]
    public var containers: OrderedDictionary<String, ContainerConfig> = [:]
    public var volumes: OrderedDictionary<String, VolumeConfig> = [:]
    public var networks: OrderedDictionary<String, NetworkConfig> = [:]
    public var host = HostVolumes()
    /// Where each container configuration was written (`main.containers.app` or the top-level `main.app`), for
    /// messages; not part of the map's value.
    var places = Places()

    struct Places: Equatable, Sendable {
        var paths: [String: InputPath] = [:]
        static func == (_: Places, _: Places) -> Bool { true }
    }

    /// The map properties; any other top-level key names a container, as in Docker-Map's dictionary format.
    public static let propertyNames = [
        "repository", "default_tag", "default_domain", "set_hostname", "use_attached_parent_name", "clients", "groups",
        "containers", "volumes", "networks", "host", "host_root",
    ]

    public init(name: String) { self.name = name }

    /// Parses and validates a map written as `value` (a table).
    public static func parse(name: String, _ value: InputValue) throws -> ContainerMap {
        let problems = Problems()
        var map = ContainerMap(name: name)
        map.apply(value, merging: false, listsOnly: false, InputReader(problems: problems))
        map.validate(problems)
        try problems.check("map '\(name)'")
        return map
    }

    /// A new map with `value` applied with Docker-Map's update semantics (given properties replace), validated.
    public func updated(with value: InputValue) throws -> ContainerMap {
        try changed(with: value, merging: false)
    }

    /// A new map with `value` merged in with Docker-Map's merge semantics (lists united, tables updated), validated.
    public func merged(with value: InputValue, listsOnly: Bool = false) throws -> ContainerMap {
        try changed(with: value, merging: true, listsOnly: listsOnly)
    }

    private func changed(with value: InputValue, merging: Bool, listsOnly: Bool = false) throws -> ContainerMap {
        let problems = Problems()
        var map = self
        map.apply(value, merging: merging, listsOnly: listsOnly, InputReader(problems: problems))
        map.validate(problems)
        try problems.check("map '\(name)'")
        return map
    }

    /// Applies a table: Docker-Map's `update_default_from_dict` / `merge_default_from_dict`.
    mutating func apply(_ value: InputValue, merging: Bool, listsOnly: Bool, _ r: InputReader) {
        let root = InputPath(name)
        let entries: [(key: InputValue, value: InputValue)]
        switch value {
        case .dict(let e): entries = e
        case .null: return
        case .list(let items) where items.isEmpty: return
        default:
            r.wrongType(root, "a table (the map)", value)
            return
        }
        for (key, item) in entries {
            guard let field = key.stringValue else {
                r.fail(root.key(key), "a map's keys are property or container names, not \(key.typeName)s")
                continue
            }
            let p = root.key(field)
            func scalar(_ read: (InputValue, InputPath) -> InputValue?) -> InputValue? {
                item.isNull ? nil : read(item, p)
            }
            let scalarsToo = !(merging && listsOnly)
            switch field {
            case "repository": if scalarsToo { repository = scalar(r.text) }
            case "default_tag": if scalarsToo { defaultTag = scalar(r.text) }
            case "default_domain": if scalarsToo { defaultDomain = scalar(r.text) }
            case "set_hostname": if scalarsToo { setHostname = item.isNull ? nil : r.bool(item, p) }
            case "use_attached_parent_name":
                if scalarsToo { useAttachedParentName = item.isNull ? nil : r.bool(item, p) }
            case "clients":
                let names = r.names(item, p)
                clients = merging ? ListMerge.union(clients, names) : names
            case "groups":
                let parsed = Self.parseGroups(item, p, r)
                if merging {
                    if scalarsToo { for (k, v) in parsed { groups[k] = v } }
                } else {
                    groups = parsed
                }
            case "containers":
                for (k, v, path) in Self.namedEntries(item, p, r) { applyContainer(k, v, path, merging, listsOnly, r) }
            case "volumes":
                for (k, v, path) in Self.namedEntries(item, p, r) {
                    let (config, present) = VolumeConfig.parse(v, path, r)
                    if merging, volumes[k] != nil { volumes[k]!.merge(config, listsOnly: listsOnly) }
                    else { volumes[k, default: VolumeConfig()].update(config, present: present) }
                }
            case "networks":
                for (k, v, path) in Self.namedEntries(item, p, r) {
                    let (config, present) = NetworkConfig.parse(v, path, r)
                    if merging, networks[k] != nil { networks[k]!.merge(config, listsOnly: listsOnly) }
                    else { networks[k, default: NetworkConfig()].update(config, present: present) }
                }
            case "host": host.update(from: item, p, r)
            case "host_root": if scalarsToo { host.root = scalar(r.text) }
            default:
                switch item {
                case .dict, .null: applyContainer(field, item, p, merging, listsOnly, r)
                case .list(let items) where items.isEmpty: applyContainer(field, .null, p, merging, listsOnly, r)
                default:
                    let hint = Suggest.nearest(field, Self.propertyNames).map { " (did you mean \($0)?)" } ?? ""
                    r.fail(p, "expected a table (a container configuration), got \(InputReader.describe(item))\(hint)")
                    // Known as a name, so that references to it are not reported as well.
                    applyContainer(field, .null, p, merging, listsOnly, r)
                }
            }
        }
    }

    private mutating func applyContainer(
        _ name: String, _ value: InputValue, _ path: InputPath, _ merging: Bool, _ listsOnly: Bool, _ r: InputReader
    ) {
        let (config, present) = ContainerConfig.parse(value, path, r)
        if places.paths[name] == nil { places.paths[name] = path }
        if merging, containers[name] != nil {
            containers[name]!.merge(config, listsOnly: listsOnly)
        } else {
            containers[name, default: ContainerConfig()].update(config, present: present)
        }
    }

    /// The entries of a table of named configurations, each with its name and place.
    static func namedEntries(_ value: InputValue, _ path: InputPath, _ r: InputReader)
        -> [(String, InputValue, InputPath)]
    {
        switch value {
        case .null: return []
        case .list(let items) where items.isEmpty: return []
        case .dict(let entries):
            return entries.compactMap { key, item in
                guard let name = r.name(key, path) else { return nil }
                return (name, item, path.key(name))
            }
        default:
            r.wrongType(path, "a table of named configurations", value)
            return []
        }
    }

    static func parseGroups(_ value: InputValue, _ path: InputPath, _ r: InputReader) -> OrderedDictionary<String, [String]> {
        var out: OrderedDictionary<String, [String]> = [:]
        for (name, item, p) in namedEntries(value, path, r) { out[name] = r.names(item, p) }
        return out
    }

    /// The normalised table of the whole map, which `parse` reads back to an equal map.
    public var input: InputValue {
        func table<V>(_ d: OrderedDictionary<String, V>, _ f: (V) -> InputValue) -> InputValue {
            .dict(d.map { (key: .string($0.key), value: f($0.value)) })
        }
        return .fields([
            ("repository", repository), ("default_tag", defaultTag), ("default_domain", defaultDomain),
            ("set_hostname", setHostname.map(InputValue.bool)),
            ("use_attached_parent_name", useAttachedParentName.map(InputValue.bool)),
            ("clients", .list(clients.map(InputValue.string))),
            ("groups", table(groups) { .list($0.map(InputValue.string)) }),
            ("containers", table(containers) { $0.input }),
            ("volumes", table(volumes) { $0.input }),
            ("networks", table(networks) { $0.input }),
            ("host", host.input),
        ])
    }
}
