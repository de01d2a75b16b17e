import OrderedCollections

/// What each configuration depends on (Docker-Map's `dependency_items` and its dependency resolver), with cycles
/// of any length found instead of recursing forever (Docker-Map only catches a configuration that names itself).
public struct DependencyGraph: Sendable {
    public let map: ContainerMap
    /// The non-abstract configurations, extended.
    public let configs: OrderedDictionary<String, ContainerConfig>
    /// Attached alias → the configuration that attaches it (without `use_attached_parent_name`).
    let attaching: [String: String]

    public init(_ map: ContainerMap) {
        self.map = map
        configs = map.extendedConfigs()
        var attaching: [String: String] = [:]
        for (name, config) in configs {
            for volume in config.attaches where attaching[volume.name] == nil { attaching[volume.name] = name }
        }
        self.attaching = attaching
    }

    /// The container items of `config` (one per instance, or one without an instance).
    public func containerItems(_ config: String, only instance: String? = nil) -> [MapItem] {
        let instances = configs[config]?.instances ?? []
        if let instance { return [MapItem(.container, map: map.name, config: config, instance: instance)] }
        return (instances.isEmpty ? [nil] : instances.map { Optional($0) }).map {
            MapItem(.container, map: map.name, config: config, instance: $0)
        }
    }

    /// The direct dependencies of a configuration, in Docker-Map's order: network-mode container, networks (each
    /// followed by its endpoint links), used volumes' containers, links, own attached volumes, and its image
    /// (`withImage`, which resolves functions in image names).
    public func direct(_ name: String, withImage: Bool = false) throws -> [MapItem] {
        guard let config = configs[name] else { return [] }
        var items = OrderedSet<MapItem>()
        if case .container(let ref, let instance) = config.networkMode, let target = configs[ref] {
            let only = instance.flatMap { target.instances.contains($0) ? $0 : nil }
            items.append(contentsOf: containerItems(ref, only: only))
        }
        for endpoint in config.networks where !ContainerMap.presetNetworks.contains(endpoint.networkName) {
            items.append(MapItem(.network, map: map.name, config: endpoint.networkName))
            for link in endpoint.links { items.append(contentsOf: linked(link.container)) }
        }
        for used in config.uses { items.append(contentsOf: usedItems(used.name)) }
        for link in config.links { items.append(contentsOf: linked(link.container)) }
        for volume in config.attaches {
            items.append(MapItem(.volume, map: map.name, config: name, instance: volume.name))
        }
        if withImage {
            let (repo, tag) = try map.imageReference(of: name, config)
            items.append(MapItem(.image, map: map.name, config: repo, instance: tag))
        }
        return Array(items)
    }

    func linked(_ reference: String) -> [MapItem] {
        let (config, instance) = Self.split(reference)
        return containerItems(config, only: instance)
    }

    func usedItems(_ reference: String) -> [MapItem] {
        let (first, rest) = Self.split(reference)
        if map.useAttachedParentName == true {
            let attached = Set(configs[first]?.attaches.map(\.name) ?? [])
            if let rest, !attached.contains(rest) { return containerItems(first, only: rest) }
            return containerItems(first)
        }
        if let owner = attaching[first] { return containerItems(owner) }
        return containerItems(first, only: rest)
    }

    /// `config.instance` split at the first dot.
    static func split(_ reference: String) -> (String, String?) {
        guard let dot = reference.firstIndex(of: ".") else { return (reference, nil) }
        let rest = String(reference[reference.index(after: dot)...])
        return (String(reference[..<dot]), rest.isEmpty ? nil : rest)
    }

    /// The configurations a configuration depends on directly (for cycles and ordering).
    public func directConfigs(_ name: String) -> [String] {
        let items = (try? direct(name)) ?? []
        var out = OrderedSet<String>()
        for item in items where item.kind == .container { out.append(item.config) }
        return Array(out)
    }

    /// Every dependency cycle, each as the configurations along it, first one repeated at the end
    /// (`["a", "b", "a"]`). Each cycle is reported once. Iterative, so a chain of any length fits the stack.
    public func cycles() -> [[String]] {
        enum Mark { case visiting, done }
        var marks: [String: Mark] = [:]
        var found: [[String]] = []
        var seen = Set<Set<String>>()
        for start in configs.keys where marks[start] == nil {
            var stack: [(name: String, next: [String], index: Int)] = [(start, directConfigs(start), 0)]
            marks[start] = .visiting
            while !stack.isEmpty {
                let top = stack.count - 1
                guard stack[top].index < stack[top].next.count else {
                    marks[stack[top].name] = .done
                    stack.removeLast()
                    continue
                }
                let next = stack[top].next[stack[top].index]
                stack[top].index += 1
                guard configs[next] != nil else { continue }
                switch marks[next] {
                case .visiting:
                    let from = stack.lastIndex { $0.name == next }!
                    let cycle = stack[from...].map(\.name) + [next]
                    if seen.insert(Set(cycle)).inserted { found.append(cycle) }
                case .done: continue
                case nil:
                    marks[next] = .visiting
                    stack.append((next, directConfigs(next), 0))
                }
            }
        }
        return found
    }

    /// Everything `name` depends on, dependencies first (Docker-Map's forward resolution): for each direct
    /// dependency that is a container, its own dependencies come before it; each item appears once, where it first
    /// appears. Throws a `cycle` error on a cycle. Linear in the size of the graph below `name` (a dependency
    /// already expanded adds nothing new when met again, so it is expanded once), and iterative.
    public func resolved(_ name: String, withImages: Bool = false) throws -> [MapItem] {
        var out = OrderedSet<MapItem>()
        var expanded: Set<String> = [name]
        var stack: [(name: String, direct: [MapItem], index: Int)] = [(name, try direct(name, withImage: withImages), 0)]
        var onPath: Set<String> = [name]
        while !stack.isEmpty {
            let top = stack.count - 1
            guard stack[top].index < stack[top].direct.count else {
                out.append(contentsOf: stack[top].direct)
                onPath.remove(stack[top].name)
                stack.removeLast()
                continue
            }
            let item = stack[top].direct[stack[top].index]
            stack[top].index += 1
            guard item.kind == .container, configs[item.config] != nil else { continue }
            if onPath.contains(item.config) {
                let from = stack.firstIndex { $0.name == item.config }!
                let cycle = stack[from...].map(\.name) + [item.config]
                throw DMapError(.cycle, "dependency cycle: " + cycle.joined(separator: " -> "),
                    object: map.containerName(item.config))
            }
            guard expanded.insert(item.config).inserted else { continue }
            onPath.insert(item.config)
            stack.append((item.config, try direct(item.config, withImage: withImages), 0))
        }
        return Array(out)
    }

    /// The Docker name of an item (`map.config.instance`, the volume's or network's name, `repo:tag`).
    public func dockerName(_ item: MapItem) -> String {
        switch item.kind {
        case .container: return map.containerName(item.config, instance: item.instance)
        case .volume: return map.volumeName(item.instance ?? "", parent: item.config)
        case .network: return map.networkName(item.config)
        case .image: return ContainerMap.reference(item.config, item.instance ?? "latest")
        }
    }
}

extension DependencyGraph {
    /// The containers that depend on `item`, transitively, those further away first (Docker-Map's dependents
    /// resolution, for stop, remove and shutdown): for each direct dependent, its own dependents come before it.
    /// Only containers are dependents; volumes, networks and images never are.
    public func dependents(of item: MapItem) -> [MapItem] {
        let reverse = reverseEdges()
        var out = OrderedSet<MapItem>()
        var expanded: Set<MapItem> = [item]
        var stack: [(item: MapItem, direct: [MapItem], index: Int)] = [(item, reverse[item] ?? [], 0)]
        while !stack.isEmpty {
            let top = stack.count - 1
            guard stack[top].index < stack[top].direct.count else {
                out.append(contentsOf: stack[top].direct)
                stack.removeLast()
                continue
            }
            let next = stack[top].direct[stack[top].index]
            stack[top].index += 1
            // A cycle cannot be here: maps with cycles are refused when they are built.
            guard expanded.insert(next).inserted else { continue }
            stack.append((next, reverse[next] ?? [], 0))
        }
        out.remove(item)
        return Array(out)
    }

    /// For each container item, the container items that depend on it directly, in the map's order.
    func reverseEdges() -> [MapItem: [MapItem]] {
        var reverse: [MapItem: [MapItem]] = [:]
        for name in configs.keys {
            let dependents = containerItems(name)
            for dependency in (try? direct(name)) ?? [] where dependency.kind == .container {
                for dependent in dependents where !(reverse[dependency]?.contains(dependent) ?? false) {
                    reverse[dependency, default: []].append(dependent)
                }
            }
        }
        return reverse
    }
}
