/// Volumes of a create request: Docker-Map's `get_volumes`, `get_host_binds` and `get_volumes_from` (for clients
/// with named volumes, API ≥ 1.21).
extension CreateRequestBuilder {
    struct VolumeMounts {
        /// `Volumes`: shares, bind container paths, attached paths, used volume paths, in that order.
        var paths: [String] = []
        /// `HostConfig.Binds`: host binds, attached named volumes, used named volumes.
        var binds: [String] = []
        /// `HostConfig.VolumesFrom`: containers named in `uses`.
        var volumesFrom: [String] = []
    }

    func volumeMounts() throws -> VolumeMounts {
        var out = VolumeMounts()
        func mode(_ readonly: Bool) -> String { readonly ? "ro" : "rw" }

        for (i, share) in config.shares.enumerated() {
            out.paths.append(try RequestValues.text(share, path.key("shares").index(i + 1)))
        }

        for (i, bind) in config.binds.enumerated() {
            let p = path.key("binds").index(i + 1)
            switch bind {
            case .alias(let alias, let readonly):
                guard let hostValue = map.host.path(for: alias) else {
                    throw fail(p, "volume alias '\(alias)' has no host path in \(map.name).host")
                }
                guard let containerPath = try RequestValues.optionalText(map.volumes[alias]?.defaultPath, p) else {
                    throw fail(p, "volume alias '\(alias)' has no path in \(map.name).volumes")
                }
                let hostPath = try self.hostPath(hostValue, p, what: "volume alias '\(alias)'")
                out.paths.append(containerPath)
                out.binds.append("\(hostPath):\(containerPath):\(mode(readonly))")
            case .host(let containerValue, let hostValue, let readonly):
                let containerPath = try RequestValues.text(containerValue, p.index(1))
                guard BindEntry.isPath(containerPath) else {
                    throw fail(p.index(1), "'\(containerPath)' is not a path inside the container (start it with / or ./)")
                }
                let hostPath = try self.hostPath(hostValue, p, what: "'\(containerPath)'")
                out.paths.append(containerPath)
                out.binds.append("\(hostPath):\(containerPath):\(mode(readonly))")
            }
        }

        for (i, attached) in config.attaches.enumerated() {
            let p = path.key("attaches").index(i + 1)
            guard let volumePath = try attachedPath(attached, p) else {
                throw fail(p, "attached volume '\(attached.name)' has no path: give one here or in \(map.name).volumes")
            }
            out.paths.append(volumePath)
            out.binds.append("\(map.volumeName(attached.name, parent: configName)):\(volumePath):rw")
        }

        for (i, used) in config.uses.enumerated() {
            let p = path.key("uses").index(i + 1)
            if let volume = try usedVolume(used.name, p) {
                guard let volumePath = try RequestValues.optionalText(used.path, p) ?? volume.path else {
                    throw fail(p, "used volume '\(used.name)' has no path: give one here or in \(map.name).volumes")
                }
                out.paths.append(volumePath)
                out.binds.append("\(volume.name):\(volumePath):\(mode(used.readonly))")
            } else {
                // A container: its volumes, at their own paths (a path given here has nothing to apply to).
                for name in usedContainers(used.name) {
                    out.volumesFrom.append(used.readonly ? "\(name):ro" : name)
                }
            }
        }
        return out
    }

    /// Docker-Map's `get_host_path`: a string, a function, or a table of paths per instance (`default` when there is
    /// no instance); a relative path is joined to the map's `host.root`.
    func hostPath(_ value: InputValue, _ p: InputPath, what: String) throws -> String {
        let resolved = try ContainerMap.resolve(value)
        let text: String?
        if case .dict(let entries) = resolved {
            let key = instance ?? "default"
            text = try RequestValues.optionalText(entries.first { $0.key.scalarText == key }?.value, p)
            guard text != nil else {
                throw fail(p, "no host path for \(instance.map { "instance '\($0)'" } ?? "'default' (no instance)") "
                    + "of \(what) of '\(configName)'")
            }
        } else {
            text = try RequestValues.optionalText(resolved, p)
        }
        guard let hostPath = text else { throw fail(p, "the host path of \(what) is empty") }
        let rootPath = InputPath(map.name).key("host").key("root")
        if !hostPath.hasPrefix("/"), let root = try RequestValues.optionalText(map.host.root, rootPath) {
            return RequestValues.posixJoin(root, hostPath)
        }
        return hostPath
    }

    /// The path of an attached volume: its own, or the default path of its alias.
    func attachedPath(_ attached: AttachedVolume, _ p: InputPath) throws -> String? {
        if let own = try RequestValues.optionalText(attached.path, p) { return own }
        return try RequestValues.optionalText(map.volumes[attached.name]?.defaultPath, p)
    }

    /// The named volume a `uses` entry stands for (its Docker name and its default path), or `nil` when it names a
    /// container. An attached alias (`parent.alias` with `use_attached_parent_name`) is a volume, as the dependency
    /// graph reads it.
    func usedVolume(_ reference: String, _ p: InputPath) throws -> (name: String, path: String?)? {
        let parent: String, alias: String
        if map.useAttachedParentName == true {
            let (first, rest) = DependencyGraph.split(reference)
            guard let rest else { return nil }
            (parent, alias) = (first, rest)
        } else {
            guard let owner = graph.attaching[reference] else { return nil }
            (parent, alias) = (owner, reference)
        }
        guard let attached = graph.configs[parent]?.attaches.first(where: { $0.name == alias }) else { return nil }
        return (map.volumeName(alias, parent: parent), try attachedPath(attached, p))
    }

    /// The containers a `uses` entry names: `config.instance`, a configuration without instances, or every
    /// instance of one (Docker-Map names `map.config`, which does not exist when it has instances).
    func usedContainers(_ reference: String) -> [String] {
        let (target, instance) = DependencyGraph.split(reference)
        if let instance { return [map.containerName(target, instance: instance)] }
        let instances = graph.configs[target]?.instances ?? []
        if instances.isEmpty { return [map.containerName(target)] }
        return instances.map { map.containerName(target, instance: $0) }
    }
}
