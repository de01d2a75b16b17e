import OrderedCollections

/// Whole-map checks after parsing: Docker-Map's `check_integrity` rules, plus what it leaves to fail later (unknown
/// `extends` bases, dependency cycles, host paths missing for an instance), each noted with its place.
extension ContainerMap {
    func validate(_ problems: Problems) {
        let root = InputPath(name)
        let r = InputReader(problems: problems)
        let containersPath = root.key("containers")
        func place(_ config: String) -> InputPath { places.paths[config] ?? containersPath.key(config) }

        checkNames(r, root)
        for (name, config) in containers {
            for (i, base) in config.extends.enumerated() where containers[base] == nil || base == name {
                let detail = base == name ? "a configuration cannot extend itself"
                    : "unknown container '\(base)'" + Suggest.hint(base, containers.keys)
                r.fail(place(name).key("extends").index(i + 1), detail)
            }
        }
        for cycle in extendsCycles() {
            r.fail(place(cycle[0]).key("extends"), "extends cycle: " + cycle.joined(separator: " -> "))
        }
        let graph = DependencyGraph(self)
        let configs = graph.configs
        let instanceNames = Set(configs.flatMap { name, c in c.instances.isEmpty ? [name] : c.instances.map { "\(name).\($0)" } })
        let referable = Array(instanceNames.union(configs.keys)).sorted()

        // Groups: names distinct from containers and instances; members known.
        for (group, members) in groups {
            let p = root.key("groups").key(group)
            if configs[group] != nil || instanceNames.contains(group) {
                r.fail(p, "'\(group)' is both a group and a container name")
            }
            for (i, member) in members.enumerated() {
                let (config, instance) = DependencyGraph.split(member)
                let known = instance == nil ? configs[config] != nil : instanceNames.contains(member)
                if !known { r.fail(p.index(i + 1), "unknown container '\(member)'" + Suggest.hint(member, referable)) }
            }
        }

        // Docker-Map's rule 3: attached volume names (Docker names unless named after their parent) and the
        // names of sharing containers must be unique, or `uses` could not tell them apart.
        let sharingConfigs = configs.filter { !$0.value.shares.isEmpty || !$0.value.binds.isEmpty || !$0.value.uses.isEmpty }
        var owners: OrderedDictionary<String, [(config: String, what: String)]> = [:]
        for (name, config) in sharingConfigs {
            for instance in config.instances.isEmpty ? [name] : config.instances.map({ "\(name).\($0)" }) {
                owners[instance, default: []].append((name, "container"))
            }
        }
        for (name, config) in configs {
            for volume in config.attaches {
                let key = useAttachedParentName == true ? "\(name).\(volume.name)" : volume.name
                owners[key, default: []].append((name, "attached volume"))
            }
        }
        for (key, list) in owners where list.count > 1 {
            let first = list[0], second = list[1]
            let detail = first.what == "attached volume" && second.what == "attached volume"
                ? "attached volume '\(key)' is also attached by '\(first.config)' (its Docker name \(self.name).\(key) "
                    + "would be shared; set use_attached_parent_name = true)"
                : "'\(key)' names both a \(first.what) of '\(first.config)' and a \(second.what) of '\(second.config)'; "
                    + "'uses' could not tell them apart"
            r.fail(place(second.config).key(second.what == "container" ? "shares" : "attaches"), detail)
        }
        // What `uses` may name: a sharing container (or one of its instances) or an attached volume.
        let usable = Set(owners.keys).union(sharingConfigs.keys)

        // References, checked where they are written (abstract bases too), against the extended map.
        for (name, config) in containers {
            let p = place(name)
            let extendedInstances = configs[name]?.instances ?? config.instances
            for (i, link) in config.links.enumerated() {
                checkLink(link.container, p.key("links").index(i + 1), configs, instanceNames, referable, r)
            }
            for (i, endpoint) in config.networks.enumerated() {
                let ep = p.key("networks").index(i + 1)
                if !Self.presetNetworks.contains(endpoint.networkName), networks[endpoint.networkName] == nil {
                    r.fail(ep, "unknown network '\(endpoint.networkName)'"
                        + Suggest.hint(endpoint.networkName, Array(networks.keys) + Array(Self.presetNetworks)))
                }
                for (j, link) in endpoint.links.enumerated() {
                    checkLink(link.container, ep.key("links").index(j + 1), configs, instanceNames, referable, r)
                }
            }
            if case .container(let ref, let instance) = config.networkMode {
                let text = instance.map { "\(ref).\($0)" } ?? ref
                if instance == nil, let target = configs[ref], !target.instances.isEmpty {
                    r.fail(p.key("network_mode"), "'\(ref)' has instances (\(target.instances.joined(separator: ", "))); "
                        + "name one of them, e.g. '\(ref).\(target.instances[0])'")
                } else if instance == nil ? configs[ref] == nil : !instanceNames.contains(text) {
                    r.fail(p.key("network_mode"), "unknown container '\(text)'" + Suggest.hint(text, referable)
                        + "; a network mode is bridge, host, none, container:<name> or a container of the map")
                }
            }
            for (i, used) in config.uses.enumerated() where !usable.contains(used.name) {
                r.fail(p.key("uses").index(i + 1), "nothing to use under '\(used.name)': not an attached volume, nor a "
                    + "container with shares, binds or uses" + Suggest.hint(used.name, usable))
            }
            for (i, bind) in config.binds.enumerated() {
                let bp = p.key("binds").index(i + 1)
                switch bind {
                case .alias(let alias, _):
                    guard let hostPath = host.path(for: alias) else {
                        r.fail(bp, "volume alias '\(alias)' has no host path in \(self.name).host"
                            + Suggest.hint(alias, host.paths.map(\.alias)))
                        continue
                    }
                    if volumes[alias]?.defaultPath == nil {
                        r.fail(bp, "volume alias '\(alias)' has no path in \(self.name).volumes")
                    }
                    checkInstances(hostPath, extendedInstances, bp, r)
                case .host(_, let hostPath, _):
                    checkInstances(hostPath, extendedInstances, bp, r)
                }
            }
            for (i, volume) in config.attaches.enumerated() where volume.path == nil && volumes[volume.name]?.defaultPath == nil {
                r.fail(p.key("attaches").index(i + 1), "attached volume '\(volume.name)' has no path: give one here "
                    + "or in \(self.name).volumes" + Suggest.hint(volume.name, volumes.keys))
            }
        }
        for cycle in graph.cycles() {
            r.fail(place(cycle[0]), "dependency cycle: " + cycle.joined(separator: " -> "))
        }
    }

    /// Names end up in Docker names and in `config.instance` references, so they cannot hold dots.
    private func checkNames(_ r: InputReader, _ root: InputPath) {
        func check(_ name: String, _ p: InputPath, _ what: String) {
            if name.contains(".") { r.fail(p, "\(what) '\(name)' contains a dot, which separates map, container and instance") }
        }
        for (name, config) in containers {
            let p = places.paths[name] ?? root.key("containers").key(name)
            check(name, p, "container name")
            for (i, instance) in config.instances.enumerated() {
                check(instance, p.key("instances").index(i + 1), "instance name")
            }
        }
        for name in networks.keys { check(name, root.key("networks").key(name), "network name") }
        for name in groups.keys { check(name, root.key("groups").key(name), "group name") }
    }

    private func checkLink(
        _ target: String, _ p: InputPath, _ configs: OrderedDictionary<String, ContainerConfig>,
        _ instanceNames: Set<String>, _ referable: [String], _ r: InputReader
    ) {
        guard !instanceNames.contains(target) else { return }
        let (config, _) = DependencyGraph.split(target)
        if let c = configs[config], !c.instances.isEmpty, target == config {
            r.fail(p, "'\(config)' has instances (\(c.instances.joined(separator: ", "))); link one of them, "
                + "e.g. '\(config).\(c.instances[0])'")
        } else {
            r.fail(p, "unknown container '\(target)'" + Suggest.hint(target, referable))
        }
    }

    /// A table of host paths per instance needs one for each instance (or `default` when there are none).
    private func checkInstances(_ hostPath: InputValue, _ instances: [String], _ p: InputPath, _ r: InputReader) {
        guard case .dict(let entries) = hostPath else { return }
        let keys = Set(entries.compactMap { $0.key.stringValue })
        for instance in instances.isEmpty ? ["default"] : instances where !keys.contains(instance) {
            r.fail(p, "no host path for instance '\(instance)'")
        }
    }

    /// Cycles among `extends`, each as the names along it.
    private func extendsCycles() -> [[String]] {
        var found: [[String]] = []
        var seen = Set<Set<String>>()
        var done = Set<String>()
        func visit(_ name: String, _ stack: [String]) {
            if let start = stack.firstIndex(of: name) {
                let cycle = Array(stack[start...]) + [name]
                if cycle.count > 2, seen.insert(Set(cycle)).inserted { found.append(cycle) }
                return
            }
            guard !done.contains(name), let config = containers[name] else { return }
            for base in config.extends { visit(base, stack + [name]) }
            done.insert(name)
        }
        for name in containers.keys { visit(name, []) }
        return found
    }
}
