import CLua
import Foundation
import NIOCore

/// `docker:build{...}`: Docker-Map's `build` with extra tags. Returns the new image id, or `nil, err` for a failed
/// build (`raise_on_error = true` raises instead); every output line goes to `push_log`.
enum ClientBuildBinding {
    static let optionKeys: Set<String> = [
        "tag", "path", "dockerfile", "add_tags", "add_latest_tag", "buildargs", "nocache", "pull", "rm", "forcerm",
        "labels", "target", "raise_on_error", "timeout", "network_mode", "extra_hosts", "shmsize", "platform",
        "cache_from", "squash",
    ]

    static func methods() -> [(String, LuaFunction)] {
        [("build", { call in
            var o = try ClientBuildBinding.options(call)
            if o["context"] != nil {
                // `context = ctx`: a dmap.context made in Lua, built as build_from_context builds it.
                guard o["path"] == nil else { throw call.bad(2, "give 'path' or 'context', not both") }
                call.state.rawField(2, "context")
                defer { call.state.pop() }
                let handle = try ContextBinding.handle(call, at: call.state.top)
                o["context"] = nil
                return try run(call, o) {
                    // Finalized once every option has been checked, just before the build is sent.
                    handle.finalized = true
                    let (context, compression) = (handle.context, handle.compression)
                    return { writer in try await context.write(compression: compression) { try await writer.write($0) } }
                }
            }
            guard let path = try o.string("path") else {
                throw call.bad(2, "'path' (the context directory) or 'context' (a dmap.context) is required")
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw DMapError(.usage, "build: the context '\(path)' is not a directory", object: path)
            }
            let dockerfile = try relativeDockerfile(try o.string("dockerfile") ?? "Dockerfile", context: path)
            o["dockerfile"] = .string(dockerfile)
            return try run(call, o) {
                let context = try BuildContext.directory(path: path, dockerfile: dockerfile)
                return { writer in try await context.write { try await writer.write($0) } }
            }
        })]
    }

    /// The options table (argument 2), checked: `tag` is mandatory.
    static func options(_ call: LuaCall) throws -> [String: Value] {
        guard lua_type(call.L, 2) == LUA_TTABLE else { throw call.expected(2, "table") }
        var o = try ClientBinding.checkedOptions(call, 2, optionKeys.union(["context"]), skipping: ["context"])
        call.state.rawField(2, "context")
        if !call.isNoneOrNil(-1) { o["context"] = true }
        call.state.pop()
        guard let tag = try o.string("tag"), !tag.isEmpty else { throw call.bad(2, "'tag' is required") }
        // Every option's type is checked here, before a `context` is finalized or a directory is read.
        _ = try Prepared(o)
        return o
    }

    /// The options a build reads, checked.
    struct Prepared {
        let raise: Bool
        let tag: String
        let query: [(String, String)]
        let extraTags: [(String, String)]
        let timeout: TimeAmount?

        init(_ o: [String: Value]) throws {
            raise = try o.bool("raise_on_error") ?? false
            guard let tag = try o.string("tag") else { throw DMapError(.usage, "build: 'tag' is required") }
            self.tag = tag
            query = try ClientBuildBinding.query(o)
            extraTags = try tagsToAdd(o)
            if let seconds = try o.number("timeout") {
                guard seconds > 0 else { throw DMapError(.usage, "option 'timeout' must be a positive number of seconds") }
                timeout = .nanoseconds(Int64(seconds * 1e9))
            } else {
                timeout = nil
            }
        }
    }

    /// The Dockerfile's name relative to the context (the engine resolves it inside the context), given either
    /// relative or as an absolute path inside `context`.
    static func relativeDockerfile(_ name: String, context: String) throws -> String {
        guard name.hasPrefix("/") else { return name }
        let root = URL(fileURLWithPath: context).standardizedFileURL.path
        let file = URL(fileURLWithPath: name).standardizedFileURL.path
        guard file.hasPrefix(root + "/") else {
            throw DMapError(.usage, "build: the Dockerfile '\(name)' is not inside the context '\(context)'", object: name)
        }
        return String(file.dropFirst(root.count + 1))
    }

    /// The Engine API query for the build options.
    static func query(_ o: [String: Value]) throws -> [(String, String)] {
        var q: [(String, String)] = [("t", try o.string("tag") ?? "")]
        if let d = try o.string("dockerfile") { q.append(("dockerfile", d)) }
        func flag(_ key: String, _ name: String, default value: Bool? = nil) throws {
            if let b = try o.bool(key) ?? value { q.append((name, b ? "1" : "0")) }
        }
        try flag("nocache", "nocache")
        try flag("pull", "pull")
        try flag("rm", "rm", default: true)
        try flag("forcerm", "forcerm")
        try flag("squash", "squash")
        for (key, name) in [("buildargs", "buildargs"), ("labels", "labels"), ("cache_from", "cachefrom")] {
            if let v = o[key], v != .null { q.append((name, String(decoding: v.encodeJSON(), as: UTF8.self))) }
        }
        // extra_hosts: {host = ip} or {"host:ip", ...}; the engine takes one `extrahosts=host:ip` per entry.
        switch o["extra_hosts"] {
        case .object(let hosts)?:
            for host in hosts.keys.sorted() {
                guard let ip = hosts[host]?.stringValue else { throw DMapError(.usage, "extra_hosts.\(host) must be a string") }
                q.append(("extrahosts", "\(host):\(ip)"))
            }
        case .some(let other) where other != .null:
            for entry in try ClientToolsBinding.stringList(other, "extra_hosts") { q.append(("extrahosts", entry)) }
        default: break
        }
        for (key, name) in [("target", "target"), ("network_mode", "networkmode"), ("platform", "platform")] {
            if let s = try o.string(key) { q.append((name, s)) }
        }
        if let size = try o.int("shmsize") { q.append(("shmsize", String(size))) }
        return q
    }

    /// Runs a build whose context `makeWriter` provides, routes its output to the hooks, adds the extra tags and
    /// pushes the result (`id` or `nil, err`).
    static func run(
        _ call: LuaCall, _ o: [String: Value],
        makeWriter: () throws -> @Sendable (EngineBodyWriter) async throws -> Void
    ) throws -> Int32 {
        let handle = try ClientBinding.handle(call)
        let client = handle.client
        let prepared = try Prepared(o)
        let (raise, tag, query, extraTags, timeout) =
            (prepared.raise, prepared.tag, prepared.query, prepared.extraTags, prepared.timeout)
        do {
            let writer = try makeWriter()
            let registryConfig = try? handle.credentials.buildConfigHeader()
            let outcome = try blockingAwait({ emit in
                try await client.build(
                    query: query, registryConfig: registryConfig, timeout: timeout, writeContext: writer,
                    onMessage: { emit($0) })
            }, onEvent: { (message: Value) in try ClientHooks.route(call.state, message) })
            guard let reported = outcome.imageID else {
                throw DMapError(.build, outcome.error ?? "the build of \(tag) produced no image", object: tag, client: client.name)
            }
            // The classic builder reports a short id; hand back the full one.
            let id = try blockingAwait { try await client.inspectImage(reported)["Id"]?.stringValue } ?? reported
            for (repository, extra) in extraTags {
                try blockingAwait { try await client.tag(id, repository: repository, tag: extra) }
            }
            call.state.push(id)
            return 1
        } catch let error as DMapError where !raise && error.kind != .usage {
            lua_pushnil(call.L)
            call.state.push(error: error)
            return 2
        }
    }

    /// The extra tags as (repository, tag): `add_tags` entries are full references (`app:stable`,
    /// `registry:5000/app:stable`) or bare tags for the main tag's repository; `add_latest_tag` adds `latest`.
    static func tagsToAdd(_ o: [String: Value]) throws -> [(String, String)] {
        let main = try o.string("tag") ?? ""
        let repository = ImageReference.splitTag(main)?.repository ?? main
        var result: [(String, String)] = []
        var seen: Set<String> = [main]
        func add(_ reference: String) {
            let (repo, tag) = ImageReference.splitTag(reference).map { ($0.repository, $0.tag) } ?? (reference, "latest")
            if seen.insert("\(repo):\(tag)").inserted { result.append((repo, tag)) }
        }
        for entry in try ClientToolsBinding.stringList(o["add_tags"], "add_tags") {
            add(entry.contains(":") || entry.contains("/") ? entry : "\(repository):\(entry)")
        }
        if try o.bool("add_latest_tag") == true { add("\(repository):latest") }
        return result
    }
}
