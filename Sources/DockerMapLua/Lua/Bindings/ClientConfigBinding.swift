import CLua

/// `dmap.client_config{...}`: one Docker host for a mapping client (Docker-Map's `ClientConfiguration`): how to
/// reach its engine (the options of `dmap.client`) and what shapes containers there (`interfaces`,
/// `interfaces_ipv6`, `domainname`, `stop_timeout`, `wait_timeout`, `features`).
enum ClientConfigBinding {
    static let metatable = "dmap.client_config"

    /// A host: its settings, and the engine client made when it is first needed.
    final class ClientConfigObject {
        var settings: ClientSettings
        let engine: DockerClient.Configuration
        let authConfigs: [String: RegistryAuth]
        let environment: [String: String]
        /// The engine client, made on first use (or given, when a `dmap.client` stands for a host).
        private(set) var handle: ClientHandle?
        let features: Value

        init(settings: ClientSettings, engine: DockerClient.Configuration, authConfigs: [String: RegistryAuth],
             environment: [String: String], features: Value, handle: ClientHandle? = nil) {
            self.settings = settings
            self.engine = engine
            self.authConfigs = authConfigs
            self.environment = environment
            self.features = features
            self.handle = handle
        }

        func client() throws -> ClientHandle {
            if let handle { return handle }
            let made = ClientHandle(
                client: try DockerClient(engine),
                credentials: CredentialStore(authConfigs: authConfigs, environment: environment))
            handle = made
            return made
        }
    }

    static let hostKeys: Set<String> = ["interfaces", "interfaces_ipv6", "domainname", "stop_timeout", "wait_timeout", "features"]

    static func install(_ state: LuaState, context: BindingContext) {
        state.registerClass(metatable, methods: [])
        state.setFunction(-1, "client_config", qualifiedName: "client_config") { call in
            let object = try make(call, 1, context: context, name: ContainerMap.defaultClientName)
            call.state.pushRetained(object, metatable: metatable)
            return 1
        }
    }

    /// The host at `index`: a `dmap.client_config`, a `dmap.client`, or an options table for one.
    static func host(_ call: LuaCall, _ index: Int32, name: String, context: BindingContext) throws -> ClientConfigObject {
        let state = call.state
        if let object = state.retained(at: index, as: ClientConfigObject.self, metatable: metatable) {
            var settings = object.settings
            settings.name = name
            return ClientConfigObject(settings: settings, engine: object.engine, authConfigs: object.authConfigs,
                                      environment: object.environment, features: object.features, handle: try object.client())
        }
        if let handle = state.retained(at: index, as: ClientHandle.self, metatable: ClientBinding.metatable) {
            return ClientConfigObject(settings: ClientSettings(name: name), engine: .init(), authConfigs: [:],
                                      environment: context.options.environment, features: .null, handle: handle)
        }
        guard lua_type(call.L, index) == LUA_TTABLE else {
            throw DMapError(.usage, "client '\(name)': expected a dmap.client, a dmap.client_config or an options table, "
                + "got \(state.typeName(at: index))")
        }
        return try make(call, index, context: context, name: name)
    }

    static func make(_ call: LuaCall, _ index: Int32, context: BindingContext, name: String) throws -> ClientConfigObject {
        let state = call.state
        let all = call.isNoneOrNil(index) ? [:] : try call.options(index, skipping: ["interfaces", "interfaces_ipv6"])
        for key in all.keys.sorted() where !ClientBinding.optionKeys.contains(key) && !hostKeys.contains(key) {
            throw DMapError(.usage, "client_config: unknown option '\(key)'"
                + Suggest.hint(key, ClientBinding.optionKeys.union(hostKeys)))
        }
        let engine = try ClientBinding.configuration(all.filter { !hostKeys.contains($0.key) }, context: context)
        var settings = ClientSettings(name: name)
        // Interfaces may hold functions (resolved when a port is published), so they are read as input values.
        if !call.isNoneOrNil(index), lua_type(call.L, index) == LUA_TTABLE {
            for (key, target) in [("interfaces", \ClientSettings.interfaces), ("interfaces_ipv6", \ClientSettings.interfacesIPv6)] {
                state.rawField(index, key)
                defer { state.pop() }
                guard !call.isNoneOrNil(-1) else { continue }
                guard case .dict(let entries) = try state.inputValue(at: -1, path: "client_config.\(key)") else {
                    throw DMapError(.usage, "client_config: '\(key)' must be a table of name = address")
                }
                for (k, v) in entries { if let text = k.stringValue { settings[keyPath: target][text] = v } }
            }
        }
        if let d = all["domainname"] { settings.domainname = InputValue(d) }
        func seconds(_ key: String) throws -> Double? {
            guard let v = all[key] else { return nil }
            switch v {
            case .int(let i): return Double(i)
            case .double(let d): return d
            default: throw DMapError(.usage, "client_config: '\(key)' must be a number of seconds, got \(v.typeName)")
            }
        }
        settings.stopTimeout = try seconds("stop_timeout")
        settings.waitTimeout = try seconds("wait_timeout")
        return ClientConfigObject(
            settings: settings, engine: engine, authConfigs: try RegistryAuth.authConfigs(from: all["auth_configs"]),
            environment: context.options.environment, features: all["features"] ?? .null)
    }
}
