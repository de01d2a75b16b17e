/// Docker-Map's `DockerUtilityMixin`: names, tags and clean-up, built on the plain calls.
extension DockerClient {
    /// Every container name (without the leading `/`, link aliases such as `a/b` included).
    public func containerNames() async throws -> Set<String> {
        var names: Set<String> = []
        for container in try await containers(["all": true]).arrayValue {
            for name in container["Names"]?.arrayValue ?? [] {
                if let n = name.stringValue { names.insert(String(n.drop { $0 == "/" })) }
            }
        }
        return names
    }

    /// `repo:tag` → image id, for every tagged image.
    public func imageTags() async throws -> [String: String] {
        var tags: [String: String] = [:]
        for image in try await images().arrayValue {
            guard let id = image["Id"]?.stringValue else { continue }
            for tag in image["RepoTags"]?.arrayValue ?? [] {
                if let t = tag.stringValue, t != "<none>:<none>" { tags[t] = id }
            }
        }
        return tags
    }

    /// The primary name of a container listing entry: the first name that is not a link alias, without `/`.
    static func primaryName(_ container: Value) -> String? {
        for name in container["Names"]?.arrayValue ?? [] {
            guard let n = name.stringValue else { continue }
            let stripped = n.hasPrefix("/") ? String(n.dropFirst()) : n
            if !stripped.contains("/") { return stripped }
        }
        return nil
    }

    /// The state of a listing entry: `State` where the engine gives it, else derived from `Status`.
    static func state(_ container: Value) -> String {
        if let state = container["State"]?.stringValue, !state.isEmpty { return state.lowercased() }
        let status = container["Status"]?.stringValue ?? ""
        if status.hasPrefix("Exited") { return "exited" }
        if status == "Dead" { return "dead" }
        if status.isEmpty || status == "Created" { return "created" }
        return "running"
    }

    /// One container removal, or why it failed.
    public struct Removal: Sendable {
        public var id: String
        public var name: String
        public var error: DMapError?
    }

    /// Containers that have exited or are dead (and, with `includeInitial`, ones created but never started), except
    /// those with a name in `exclude`. Removes them unless `listOnly`; failures are reported per container.
    public func cleanupContainers(includeInitial: Bool = false, exclude: Set<String> = [], listOnly: Bool = false)
        async throws -> [Removal]
    {
        var results: [Removal] = []
        for container in try await containers(["all": true]).arrayValue {
            let state = Self.state(container)
            guard state == "exited" || state == "dead" || (includeInitial && state == "created") else { continue }
            let names = (container["Names"]?.arrayValue ?? []).compactMap { $0.stringValue.map { String($0.drop { $0 == "/" }) } }
            if names.contains(where: exclude.contains) { continue }
            guard let id = container["Id"]?.stringValue else { continue }
            var removal = Removal(id: id, name: Self.primaryName(container) ?? id, error: nil)
            if !listOnly {
                do { try await removeContainer(id) } catch let e as DMapError { removal.error = e }
            }
            results.append(removal)
        }
        return results
    }

    /// Stops every container that is not stopped, then removes every container. With `listOnly`, returns the
    /// running and all ids without touching anything.
    public func removeAllContainers(stopTimeout: Int64 = 10, listOnly: Bool = false) async throws -> (
        stopped: [String], removed: [String], failures: [DMapError]
    ) {
        let all = try await containers(["all": true]).arrayValue
        var running: [String] = []
        var ids: [String] = []
        for container in all {
            guard let id = container["Id"]?.stringValue else { continue }
            ids.append(id)
            let state = Self.state(container)
            if state != "exited" && state != "dead" && state != "created" { running.append(id) }
        }
        if listOnly { return (running, ids, []) }
        var stopped: [String] = []
        var removed: [String] = []
        var failures: [DMapError] = []
        for id in running {
            do {
                try await stop(id, ["t": .int(stopTimeout)])
                stopped.append(id)
            } catch let e as DMapError {
                failures.append(e)
            }
        }
        for id in ids {
            do {
                try await removeContainer(id, ["force": true])
                removed.append(id)
            } catch let e as DMapError where e.kind != .notFound {
                failures.append(e)
            } catch {}
        }
        return (stopped, removed, failures)
    }

    /// Images that are neither in use by a container nor kept by their tags, and have no kept descendant.
    ///
    /// Kept: every image a container (running or not) uses; without `removeOld`, every tagged image; with
    /// `removeOld`, only images with a `latest` tag or one of `keepTags`. Also kept: every ancestor of a kept
    /// image. Candidates are removed children first unless `listOnly`.
    public func cleanupImages(removeOld: Bool = false, keepTags: Set<String> = [], force: Bool = false,
                              listOnly: Bool = false) async throws -> [Removal]
    {
        var used: Set<String> = []
        for container in try await containers(["all": true]).arrayValue {
            if let id = container["ImageID"]?.stringValue {
                used.insert(id)
            } else if let id = container["Id"]?.stringValue,
                let image = try? await inspectContainer(id)["Image"]?.stringValue
            {
                used.insert(image)
            }
        }
        let all = try await images(["all": true]).arrayValue
        var parent: [String: String] = [:]
        var keep: Set<String> = used
        var order: [String] = []
        for image in all {
            guard let id = image["Id"]?.stringValue else { continue }
            order.append(id)
            if let p = image["ParentId"]?.stringValue, !p.isEmpty { parent[id] = p }
            let tags = (image["RepoTags"]?.arrayValue ?? []).compactMap(\.stringValue).filter { $0 != "<none>:<none>" }
            let kept: Bool
            if removeOld {
                let wanted = keepTags.union(["latest"])
                kept = tags.contains { tag in wanted.contains { tag.hasSuffix(":" + $0) } }
            } else {
                kept = !tags.isEmpty
            }
            if kept { keep.insert(id) }
        }
        // Ancestors of kept images are kept too.
        for id in Array(keep) {
            var current = parent[id]
            while let p = current, keep.insert(p).inserted {
                current = parent[p]
            }
        }
        // Children before parents: an image's depth in its parent chain, deepest first.
        func depth(_ id: String) -> Int {
            var d = 0
            var current = parent[id]
            while let p = current, d < 10_000 {
                d += 1
                current = parent[p]
            }
            return d
        }
        let candidates = order.filter { !keep.contains($0) }.enumerated()
            .sorted { (depth($0.element), -$0.offset) > (depth($1.element), -$1.offset) }.map(\.element)
        var results: [Removal] = []
        for id in candidates {
            var removal = Removal(id: id, name: id, error: nil)
            if !listOnly {
                do {
                    _ = try await removeImage(id, ["force": .bool(force)])
                } catch let e as DMapError where e.kind == .notFound {
                    // Removed already, as the untagged parent of an image removed before it.
                } catch let e as DMapError {
                    removal.error = e
                }
            }
            results.append(removal)
        }
        return results
    }
}

extension Value {
    /// The items when this is an array, else empty.
    public var arrayValue: [Value] {
        if case .array(let items) = self { return items }
        return []
    }
}
