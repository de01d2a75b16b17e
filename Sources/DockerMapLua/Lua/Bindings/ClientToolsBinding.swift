import CLua

/// Docker-Map's utility methods: container names, image tags, logs to `push_log`, clean-up, and streaming an image
/// or a container's files to disk.
enum ClientToolsBinding {
    static func methods() -> [(String, LuaFunction)] {
        [
            ("get_container_names", { call in
                let client = try ClientBinding.client(call)
                let names = try blockingAwait { try await client.containerNames() }
                lua_createtable(call.L, 0, Int32(names.count))
                for name in names.sorted() {
                    lua_pushboolean(call.L, 1)
                    call.state.setRawField(-2, name)
                }
                return 1
            }),
            ("get_image_tags", { call in
                let client = try ClientBinding.client(call)
                let tags = try blockingAwait { try await client.imageTags() }
                call.state.push(.object(tags.mapValues { .string($0) }))
                return 1
            }),
            ("push_container_logs", { call in
                // Each log line to push_log, prefixed with "[container] ".
                let client = try ClientBinding.client(call)
                let container = try call.string(2)
                let logs = try blockingAwait { try await client.logs(container) }
                // Both streams in the order the container wrote them, as Docker-Map shows them.
                var text = String(decoding: logs.combined, as: UTF8.self)
                if text.hasSuffix("\n") { text.removeLast() }
                guard !text.isEmpty else { return 0 }
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                    try ClientHooks.log(call.state, "[\(container)] \(line)")
                }
                return 0
            }),
            ("cleanup_containers", { call in
                let client = try ClientBinding.client(call)
                let o = try ClientBinding.checkedOptions(call, 2, ["include_initial", "exclude", "list_only", "raise_on_error"])
                let exclude = Set(try stringList(o["exclude"], "exclude"))
                let (initial, listOnly) = (try o.bool("include_initial") ?? false, try o.bool("list_only") ?? false)
                let raise = try o.bool("raise_on_error") ?? false
                let removals = try blockingAwait {
                    try await client.cleanupContainers(includeInitial: initial, exclude: exclude, listOnly: listOnly)
                }
                try reportFailures(call, removals, raise: raise, what: "container")
                call.state.push(.array(removals.filter { $0.error == nil }.map { .string($0.name) }))
                return 1
            }),
            ("remove_all_containers", { call in
                let client = try ClientBinding.client(call)
                let o = try ClientBinding.checkedOptions(call, 2, ["stop_timeout", "list_only", "raise_on_error"])
                let timeout = try o.int("stop_timeout") ?? 10
                let listOnly = try o.bool("list_only") ?? false
                let raise = try o.bool("raise_on_error") ?? false
                let r = try blockingAwait { try await client.removeAllContainers(stopTimeout: timeout, listOnly: listOnly) }
                for failure in r.failures {
                    if raise { throw failure }
                    try ClientHooks.log(call.state, "Failed to stop or remove container: \(failure.message)", "warning")
                }
                call.state.push(.array(r.stopped.map { .string($0) }))
                call.state.push(.array(r.removed.map { .string($0) }))
                return 2
            }),
            ("cleanup_images", { call in
                let client = try ClientBinding.client(call)
                let o = try ClientBinding.checkedOptions(call, 2, ["remove_old", "keep_tags", "force", "list_only", "raise_on_error"])
                let keep = Set(try stringList(o["keep_tags"], "keep_tags"))
                let (removeOld, force, listOnly) = (
                    try o.bool("remove_old") ?? false, try o.bool("force") ?? false, try o.bool("list_only") ?? false
                )
                let raise = try o.bool("raise_on_error") ?? false
                let removals = try blockingAwait {
                    try await client.cleanupImages(removeOld: removeOld, keepTags: keep, force: force, listOnly: listOnly)
                }
                try reportFailures(call, removals, raise: raise, what: "image")
                call.state.push(.array(removals.filter { $0.error == nil }.map { .string($0.id) }))
                return 1
            }),
            ("save_image", { call in
                let client = try ClientBinding.client(call)
                let image = try call.string(2)
                let path = try call.string(3)
                _ = try blockingAwait { try await client.saveImage(image, to: path) }
                lua_pushboolean(call.L, 1)
                return 1
            }),
            ("copy_resource", { call in
                let client = try ClientBinding.client(call)
                let container = try call.string(2)
                let resource = try call.string(3)
                let path = try call.string(4)
                _ = try blockingAwait { try await client.copyResource(container, resource: resource, to: path) }
                lua_pushboolean(call.L, 1)
                return 1
            }),
        ]
    }

    /// A list of strings, or one string, or nothing.
    static func stringList(_ value: Value?, _ name: String) throws -> [String] {
        switch value {
        case nil, .null?: return []
        case .string(let s)?: return [s]
        case .array(let items)?:
            return try items.map {
                guard let s = $0.stringValue else { throw DMapError(.usage, "'\(name)' must hold strings") }
                return s
            }
        case let other?: throw DMapError(.usage, "'\(name)' must be a string or a list of strings, got \(other.typeName)")
        }
    }

    /// Logs each failed removal as a warning (Docker-Map swallows them), or raises the first with `raise_on_error`.
    static func reportFailures(_ call: LuaCall, _ removals: [DockerClient.Removal], raise: Bool, what: String) throws {
        for removal in removals {
            guard let error = removal.error else { continue }
            if raise { throw error }
            try ClientHooks.log(call.state, "Failed to remove \(what) '\(removal.name)': \(error.message)", "warning")
        }
    }
}
