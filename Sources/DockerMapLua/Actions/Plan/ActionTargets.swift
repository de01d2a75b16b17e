import OrderedCollections

/// One container an action is aimed at: a configuration of a map, and one of its instances (or none).
public struct ActionTarget: Hashable, Sendable, CustomStringConvertible {
    public var map: String
    public var config: String
    public var instance: String?

    public init(map: String, config: String, instance: String? = nil) {
        self.map = map
        self.config = config
        self.instance = instance
    }

    public var item: MapItem { MapItem(.container, map: map, config: config, instance: instance) }
    public var description: String { [map, config, instance].compactMap { $0 }.joined(separator: ".") }
}

/// Target selection (Docker-Map's `get_map_config_ids`): `"web"`, `"main.web"`, `"main.web.inst"`, a group name,
/// `"__all__"`, or several. A two-part name `a.b` is map `a`, configuration `b` when `a` is a map's name, and
/// otherwise configuration `a`, instance `b` (Docker-Map reads it as a map name only, and fails).
public enum ActionTargets {
    public static let all = "__all__"

    /// The container targets `names` stand for; `instances` applies to names that give none; `map` overrides the
    /// default map. Unknown maps, configurations, groups or instances are `not_found` errors with the nearest name.
    public static func resolve(
        _ names: [String], maps: OrderedDictionary<String, ContainerMap>, defaultMap: String?, instances: [String]? = nil,
        map mapOption: String? = nil
    ) throws -> [ActionTarget] {
        var out = OrderedSet<ActionTarget>()
        for name in names {
            for target in try resolve(name, maps, mapOption ?? defaultMap, instances) { out.append(target) }
        }
        return Array(out)
    }

    private static func resolve(
        _ name: String, _ maps: OrderedDictionary<String, ContainerMap>, _ defaultMap: String?, _ instances: [String]?
    ) throws -> [ActionTarget] {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.contains(where: \.isEmpty), parts.count <= 3 else {
            throw DMapError(.usage, "'\(name)' is not a target: use config, map.config, map.config.instance or a group")
        }
        func inDefault() throws -> ContainerMap {
            guard let defaultMap else {
                throw DMapError(.usage, "'\(name)' names no map, and there is no default map: write map.\(name) or set "
                    + "the map option (maps: \(maps.keys.joined(separator: ", ")))")
            }
            return try map(defaultMap, maps)
        }
        switch parts.count {
        case 1 where name == all && defaultMap == nil:
            return try maps.values.flatMap { try expand(all, in: $0, instances) }
        case 1:
            return try expand(name, in: try inDefault(), instances)
        case 2:
            if name == "\(all).\(all)" { return try maps.values.flatMap { try expand(all, in: $0, instances) } }
            if parts[0] == all { return try maps.values.flatMap { try expand(parts[1], in: $0, instances) } }
            if let m = maps[parts[0]] { return try expand(parts[1], in: m, instances) }
            let m = try inDefault()
            if m.containers[parts[0]] == nil {
                let configs = Array(m.containers.filter { !$0.value.isAbstract }.keys)
                let near = Suggest.nearest(parts[0], Array(maps.keys)).map { "map '\($0)'" }
                    ?? Suggest.nearest(parts[0], configs).map { "container '\($0)'" }
                throw DMapError(.notFound, "'\(name)': no map '\(parts[0])' (maps: \(maps.keys.joined(separator: ", "))) "
                    + "and no container '\(parts[0])' in map '\(m.name)'" + (near.map { " (did you mean \($0)?)" } ?? ""),
                    object: name)
            }
            return try expand(parts[0], in: m, [parts[1]])
        default:
            return try expand(parts[1], in: try map(parts[0], maps), [parts[2]])
        }
    }

    static func map(_ name: String, _ maps: OrderedDictionary<String, ContainerMap>) throws -> ContainerMap {
        guard let m = maps[name] else {
            throw DMapError(.notFound, "no map '\(name)'" + Suggest.hint(name, maps.keys), object: name)
        }
        return m
    }

    /// A configuration, group or `__all__` of map `m`, with instances.
    static func expand(_ name: String, in m: ContainerMap, _ instances: [String]?) throws -> [ActionTarget] {
        if name == all {
            return try m.containers.filter { !$0.value.isAbstract }.keys.flatMap { try expand($0, in: m, instances) }
        }
        if let members = m.groups[name] {
            return try members.flatMap { member -> [ActionTarget] in
                let (config, instance) = DependencyGraph.split(member)
                return try expand(config, in: m, instance.map { [$0] } ?? instances)
            }
        }
        guard let config = m.containers[name], !config.isAbstract else {
            let known = Array(m.containers.filter { !$0.value.isAbstract }.keys) + Array(m.groups.keys)
            let what = m.containers[name] != nil ? "'\(name)' is abstract in map '\(m.name)'"
                : "map '\(m.name)' has no container or group '\(name)'" + Suggest.hint(name, known)
            throw DMapError(.notFound, what, object: m.containerName(name))
        }
        let configured = m.extended(name)?.instances ?? config.instances
        guard let instances, !instances.isEmpty else {
            if configured.isEmpty { return [ActionTarget(map: m.name, config: name)] }
            return configured.map { ActionTarget(map: m.name, config: name, instance: $0) }
        }
        return try instances.map { instance in
            guard configured.contains(instance) else {
                let detail = configured.isEmpty ? "has no instances" : "has no instance '\(instance)'"
                    + Suggest.hint(instance, configured)
                throw DMapError(.notFound, "container '\(name)' of map '\(m.name)' \(detail)",
                    object: m.containerName(name, instance: instance))
            }
            return ActionTarget(map: m.name, config: name, instance: instance)
        }
    }
}
