import CLua
import Foundation
import NIOCore

/// A `dmap.client` object in Lua: the Swift client plus the runtime it belongs to.
final class ClientHandle: Sendable {
    let client: DockerClient
    /// Registry credentials: logins of this run, `auth_configs`, then the docker CLI's configuration.
    let credentials: CredentialStore
    init(client: DockerClient, credentials: CredentialStore) {
        self.client = client
        self.credentials = credentials
    }
}

/// `dmap.client{...}` and its methods. Each method is a thin shell: check arguments, call the engine layer, push
/// the reply.
enum ClientBinding {
    static let metatable = "dmap.client"

    static let optionKeys: Set<String> = ["base_url", "version", "timeout", "tls", "ssh", "name", "auth_configs"]

    /// `dmap.client([options])`.
    static func create(_ call: LuaCall, context: BindingContext) throws -> Int32 {
        let options = try call.options(1)
        let config = try configuration(options, context: context)
        let client = try DockerClient(config)
        let credentials = CredentialStore(
            authConfigs: try RegistryAuth.authConfigs(from: options["auth_configs"]),
            environment: context.options.environment)
        call.state.pushRetained(ClientHandle(client: client, credentials: credentials), metatable: metatable)
        return 1
    }

    static func configuration(_ options: [String: Value], context: BindingContext) throws -> DockerClient.Configuration {
        for key in options.keys.sorted() where !optionKeys.contains(key) {
            throw DMapError(.usage, "dmap.client: unknown option '\(key)'\(Suggest.hint(key, optionKeys))")
        }
        let env = context.options.environment
        var config = DockerClient.Configuration.fromEnvironment(env, host: context.options.defaultHost)
        func string(_ key: String) throws -> String? {
            guard let v = options[key] else { return nil }
            guard let s = v.stringValue else { throw DMapError(.usage, "dmap.client: '\(key)' must be a string, got \(v.typeName)") }
            return s
        }
        if let url = try string("base_url") { config.baseURL = url }
        if let version = try string("version") { config.version = version }
        if let name = try string("name") { config.name = name }
        if let t = options["timeout"] {
            switch t {
            case .int(let i): config.timeout = Double(i)
            case .double(let d): config.timeout = d
            default: throw DMapError(.usage, "dmap.client: 'timeout' must be a number of seconds, got \(t.typeName)")
            }
        }
        switch options["tls"] {
        case nil: break
        case .bool(false)?: config.tls = nil
        case .bool(true)?: config.tls = config.tls ?? TLSSettings(verify: true)
        case .object(let t)?:
            let keys: Set<String> = ["verify", "ca_cert", "client_cert", "client_key", "cert_path"]
            for key in t.keys.sorted() where !keys.contains(key) {
                throw DMapError(.usage, "dmap.client: unknown option 'tls.\(key)'\(Suggest.hint(key, keys))")
            }
            var tls = TLSSettings(verify: try t.bool("verify", in: "tls") ?? true)
            if let dir = try t.string("cert_path", in: "tls") {
                tls.caCert = dir + "/ca.pem"
                tls.clientCert = dir + "/cert.pem"
                tls.clientKey = dir + "/key.pem"
            }
            tls.caCert = try t.string("ca_cert", in: "tls") ?? tls.caCert
            tls.clientCert = try t.string("client_cert", in: "tls") ?? tls.clientCert
            tls.clientKey = try t.string("client_key", in: "tls") ?? tls.clientKey
            config.tls = tls
        case let other?:
            throw DMapError(.usage, "dmap.client: 'tls' must be a table or a boolean, got \(other.typeName)")
        }
        if let ssh = options["ssh"] {
            guard case .object(let s) = ssh else {
                throw DMapError(.usage, "dmap.client: 'ssh' must be a table, got \(ssh.typeName)")
            }
            let keys: Set<String> = ["config", "options", "multiplex"]
            for key in s.keys.sorted() where !keys.contains(key) {
                throw DMapError(.usage, "dmap.client: unknown option 'ssh.\(key)'\(Suggest.hint(key, keys))")
            }
            config.ssh.configFile = try s.string("config", in: "ssh")
            if let items = try s.strings("options", in: "ssh") { config.ssh.options = items }
            if let m = try s.bool("multiplex", in: "ssh") { config.ssh.multiplex = m }
        }
        return config
    }

    // MARK: Methods

    static func register(_ state: LuaState, context: BindingContext) {
        state.registerClass(metatable, methods: methods(context: context) + ClientToolsBinding.methods()
                                           + ClientRegistryBinding.methods(context: context) + ClientBuildBinding.methods()
                                           + ContextBinding.clientMethods())
    }

    /// The options table at `position`, rejecting keys not in `known` (with the nearest one as a hint).
    /// Fields in `skipping` (which may hold objects that do not convert) are left out of the result.
    static func checkedOptions(
        _ call: LuaCall, _ position: Int32, _ known: Set<String>, skipping: Set<String> = []
    ) throws -> [String: Value] {
        let options = skipping.isEmpty ? try call.options(position) : try call.options(position, skipping: skipping)
        for key in options.keys.sorted() where !known.contains(key) {
            throw call.bad(position, "unknown option '\(key)'\(Suggest.hint(key, known))")
        }
        return options
    }

    /// The client behind `self` (argument 1).
    static func client(_ call: LuaCall) throws -> DockerClient {
        try handle(call).client
    }

    static func handle(_ call: LuaCall) throws -> ClientHandle {
        guard let handle = call.state.retained(at: 1, as: ClientHandle.self, metatable: metatable) else {
            throw call.expected(1, "dmap.client")
        }
        return handle
    }

    /// A method that takes only `self` and an optional options table, and pushes what `body` returns.
    static func simple(_ body: @escaping @Sendable (DockerClient, [String: Value]) async throws -> Value) -> LuaFunction {
        { call in
            let client = try client(call)
            let options = try call.options(2)
            call.state.push(try blockingAwait { try await body(client, options) })
            return 1
        }
    }

    /// A method on one object (`self`, name or id, optional options).
    static func onObject(_ body: @escaping @Sendable (DockerClient, String, [String: Value]) async throws -> Value)
        -> LuaFunction
    {
        { call in
            let client = try client(call)
            let object = try call.string(2)
            let options = try call.options(3)
            call.state.push(try blockingAwait { try await body(client, object, options) })
            return 1
        }
    }

    static func output(_ stdout: [UInt8], _ stderr: [UInt8], exitCode: Int64?, state: LuaState) {
        lua_createtable(state.L, 0, 3)
        state.push(bytes: stdout)
        state.setRawField(-2, "stdout")
        state.push(bytes: stderr)
        state.setRawField(-2, "stderr")
        if let exitCode {
            lua_pushinteger(state.L, exitCode)
            state.setRawField(-2, "exit_code")
        }
    }

    static func methods(context: BindingContext) -> [(String, LuaFunction)] {
        [
            ("version", simple { c, _ in try await c.version() }),
            ("info", simple { c, _ in try await c.info() }),
            ("ping", simple { c, _ in .bool(try await c.ping()) }),
            ("api", api),
            ("containers", simple { c, o in try await c.containers(o) }),
            ("images", simple { c, o in try await c.images(o) }),
            ("networks", simple { c, o in try await c.networks(o) }),
            ("volumes", simple { c, o in try await c.volumes(o) }),
            ("inspect_container", onObject { c, id, _ in try await c.inspectContainer(id) }),
            ("inspect_image", onObject { c, id, _ in try await c.inspectImage(id) }),
            ("inspect_network", onObject { c, id, _ in try await c.inspectNetwork(id) }),
            ("inspect_volume", onObject { c, id, _ in try await c.inspectVolume(id) }),
            ("create_container", { call in
                let client = try client(call)
                let options = try call.options(2, optional: false)
                call.state.push(try blockingAwait { try await client.createContainer(options) })
                return 1
            }),
            ("start", onObject { c, id, _ in try await c.start(id); return true }),
            ("stop", onObject { c, id, o in try await c.stop(id, o); return true }),
            ("restart", onObject { c, id, o in try await c.restart(id, o); return true }),
            ("kill", onObject { c, id, o in try await c.kill(id, o); return true }),
            ("wait", onObject { c, id, o in .int(try await c.wait(id, o)) }),
            ("remove_container", onObject { c, id, o in try await c.removeContainer(id, o); return true }),
            ("remove_image", onObject { c, id, o in try await c.removeImage(id, o) }),
            ("tag", tag),
            ("logs", { call in
                let client = try client(call)
                let id = try call.string(2)
                let options = try call.options(3)
                let out = try blockingAwait { try await client.logs(id, options) }
                output(out.stdout, out.stderr, exitCode: nil, state: call.state)
                return 1
            }),
            ("exec_create", { call in
                let client = try client(call)
                let id = try call.string(2)
                let options = try call.options(3, optional: false)
                guard options["Cmd"] != nil else { throw call.bad(3, "'Cmd' is required") }
                call.state.push(try blockingAwait { try await client.execCreate(id, options) })
                return 1
            }),
            ("exec_start", { call in
                let client = try client(call)
                let id = try call.string(2)
                let options = try call.options(3)
                let out = try blockingAwait { try await client.execStart(id, options) }
                output(out.stdout, out.stderr, exitCode: out.exitCode, state: call.state)
                return 1
            }),
            ("create_network", { call in
                let client = try client(call)
                let options = try call.options(2, optional: false)
                guard options["Name"]?.stringValue != nil else { throw call.bad(2, "'Name' is required") }
                call.state.push(try blockingAwait { try await client.createNetwork(options) })
                return 1
            }),
            ("remove_network", onObject { c, id, _ in try await c.removeNetwork(id); return true }),
            ("connect_container_to_network", { call in
                let client = try client(call)
                let container = try call.string(2)
                let network = try call.string(3)
                let endpoint = try call.options(4)
                try blockingAwait { try await client.connectContainer(container, toNetwork: network, endpoint: endpoint) }
                lua_pushboolean(call.L, 1)
                return 1
            }),
            ("disconnect_container_from_network", { call in
                let client = try client(call)
                let container = try call.string(2)
                let network = try call.string(3)
                let force = try call.options(4).bool("force") ?? false
                try blockingAwait { try await client.disconnectContainer(container, fromNetwork: network, force: force) }
                lua_pushboolean(call.L, 1)
                return 1
            }),
            ("create_volume", simple { c, o in try await c.createVolume(o) }),
            ("remove_volume", onObject { c, id, o in try await c.removeVolume(id, o); return true }),
            ("push_log", { call in
                // Default hook: the runtime's logger, prefixed with nothing; scripts may replace it.
                _ = try client(call)
                let message = try call.string(2)
                ClientHooks.defaultLog(context, message, try call.optionalString(3) ?? "info")
                return 0
            }),
            ("push_progress", { call in
                // Default hook: the runtime's progress display, if it has one.
                _ = try client(call)
                guard context.options.progress != nil else { return 0 }
                let detail = call.isNoneOrNil(4) ? nil : try call.value(4)
                ClientHooks.defaultProgress(context, try call.optionalString(2) ?? "", try call.optionalString(3) ?? "", detail)
                return 0
            }),
        ]
    }

    /// `docker:tag(image, "repo:tag")`, `docker:tag(image, "repo", "tag")` or `docker:tag(image, {repo=, tag=, force=})`.
    static func tag(_ call: LuaCall) throws -> Int32 {
        let client = try client(call)
        let image = try call.string(2)
        var repository: String
        var tag: String?
        var force = false
        if lua_type(call.L, 3) == LUA_TTABLE {
            let o = try call.options(3)
            guard let repo = try o.string("repo") else { throw call.bad(3, "'repo' is required") }
            repository = repo
            tag = try o.string("tag")
            force = try o.bool("force") ?? false
        } else {
            repository = try call.string(3)
            tag = try call.optionalString(4)
            if tag == nil, let split = ImageReference.splitTag(repository) {
                repository = split.repository
                tag = split.tag
            }
        }
        let (repo, t, f) = (repository, tag, force)
        try blockingAwait { try await client.tag(image, repository: repo, tag: t, force: f) }
        lua_pushboolean(call.L, 1)
        return 1
    }

    /// A number of seconds (integer or not) as a NIO time amount.
    static func seconds(_ value: Value, _ name: String) throws -> TimeAmount {
        switch value {
        case .int(let i) where i > 0: return .seconds(i)
        case .double(let d) where d > 0: return .nanoseconds(Int64(d * 1e9))
        default: throw DMapError(.usage, "'\(name)' must be a positive number of seconds, got \(value.typeName)")
        }
    }

    /// `docker:api(method, path, {query=, body=, headers=, timeout=})`: any endpoint; decoded JSON or the raw text.
    static func api(_ call: LuaCall) throws -> Int32 {
        let client = try client(call)
        let method = try call.string(2).uppercased()
        let path = try call.string(3)
        var request = EngineRequest(method, path)
        if !call.isNoneOrNil(4) {
            guard lua_type(call.L, 4) == LUA_TTABLE else { throw call.expected(4, "table") }
            let state = call.state
            let keys: Set<String> = ["query", "body", "headers", "timeout", "versioned"]
            lua_pushnil(call.L)
            while lua_next(call.L, 4) != 0 {
                defer { state.pop() }
                let key = state.string(at: -2) ?? ""
                guard keys.contains(key) else {
                    throw call.bad(4, "unknown option '\(key)'\(Suggest.hint(key, keys))")
                }
            }
            if state.rawField(4, "body") == LUA_TSTRING {
                request.body = .bytes(state.bytes(at: -1)!)
            } else if !call.isNoneOrNil(-1) {
                request.body = .json(try state.value(at: -1, path: "body"))
            }
            state.pop()
            let options = try call.options(4)
            if let q = try options.table("query") { request.query = DockerClient.query(q) }
            if let h = try options.table("headers") {
                request.headers = try h.keys.sorted().compactMap { k in try h.string(k, in: "headers").map { (k, $0) } }
            }
            if let t = options["timeout"] { request.timeout = try seconds(t, "timeout") }
            if let v = try options.bool("versioned") { request.versioned = v }
        }
        let r = request
        let (isJSON, body) = try blockingAwait {
            try await client.perform(r) { response -> (Bool, [UInt8]) in
                (response.contentType.contains("json"), Array(try await response.collect().readableBytesView))
            }
        }
        if body.isEmpty {
            lua_pushnil(call.L)
        } else if isJSON {
            call.state.push(try Value.decodeJSONOrLines(Data(body)))
        } else {
            call.state.push(bytes: body)
        }
        return 1
    }
}
