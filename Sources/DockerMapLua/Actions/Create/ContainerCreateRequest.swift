/// The Engine API requests that make one container of a map: Docker-Map's `get_container_create_kwargs` and
/// `get_container_host_config_kwargs`, with docker-py's conversions to JSON, as one pure function.
public struct ContainerCreateRequest: Sendable {
    /// The container's name (`map.config` or `map.config.instance`), for `POST /containers/create?name=`.
    public var name: String
    /// The image reference (`repo:tag`, or `repo@digest`).
    public var image: String
    /// The JSON body of `POST /containers/create`.
    public var body: Value
    /// Every network endpoint after the first (which is joined at create): the network's Docker name and the body
    /// of `POST /networks/{network}/connect` (`{Container, EndpointConfig}`), in order (Docker-Map's CONNECT_ALL).
    public var connects: [(network: String, body: Value)]

    /// The labels that mark a container, volume or network as made from a map.
    public enum Label {
        public static let map = "dmap.map"
        public static let config = "dmap.config"
        public static let instance = "dmap.instance"
        public static let volume = "dmap.volume"
        public static let network = "dmap.network"
    }

    /// The create request of configuration `config` (extended), instance `instance` (`nil` for a configuration
    /// without instances), on the client `client`. Resolves every function the request needs.
    ///
    /// Throws a `usage` error for an unknown or abstract configuration or a wrong instance, and a `config` error
    /// for what the map cannot give (a host path missing for the instance, an interface without an address on the
    /// client, an unknown option in `create_options` or `host_config`).
    ///
    /// `graph` is the map's dependency graph when the caller has one (a plan builds many requests from one map);
    /// otherwise it is made here.
    public static func build(
        map: ContainerMap, config: String, instance: String?, client: ClientSettings, graph: DependencyGraph? = nil
    ) throws -> ContainerCreateRequest {
        try CreateRequestBuilder(map: map, configName: config, instance: instance, client: client, graph: graph).build()
    }
}

/// What building one create request needs at hand.
struct CreateRequestBuilder {
    let map: ContainerMap
    let configName: String
    let config: ContainerConfig
    let instance: String?
    let client: ClientSettings
    let cname: String
    /// `map.containers.config`, where messages point.
    let path: InputPath
    let graph: DependencyGraph

    init(map: ContainerMap, configName: String, instance: String?, client: ClientSettings, graph: DependencyGraph?) throws {
        guard let config = map.extended(configName) else {
            throw DMapError(.usage, "unknown container configuration '\(configName)' in map '\(map.name)'"
                + Suggest.hint(configName, map.containers.keys.filter { !map.containers[$0]!.isAbstract }))
        }
        guard !config.isAbstract else {
            throw DMapError(.usage, "'\(configName)' of map '\(map.name)' is abstract: it is only extended, never made")
        }
        if let instance, !config.instances.contains(instance) {
            throw DMapError(.usage, "'\(configName)' of map '\(map.name)' has no instance '\(instance)'"
                + (config.instances.isEmpty ? " (it has no instances)" : Suggest.hint(instance, config.instances)))
        }
        if instance == nil, !config.instances.isEmpty {
            throw DMapError(.usage, "'\(configName)' of map '\(map.name)' has instances ("
                + config.instances.joined(separator: ", ") + "); name one of them")
        }
        self.map = map
        self.configName = configName
        self.config = config
        self.instance = instance
        self.client = client
        cname = map.containerName(configName, instance: instance)
        path = InputPath(map.name).key("containers").key(configName)
        self.graph = graph ?? DependencyGraph(map)
    }

    func fail(_ path: InputPath, _ message: String) -> DMapError {
        RequestValues.fail(path, message, object: cname)
    }

    func build() throws -> ContainerCreateRequest {
        let image = try map.image(of: configName)
        var body: [String: Value] = ["Image": .string(image)]
        var host: [String: Value] = [:]

        // A container that shares another's network stack has that container's host name: the engine refuses
        // both together ("conflicting options: hostname and the network mode").
        var sharesStack = false
        if case .container? = config.networkMode { sharesStack = true }
        if map.setHostname != false, !sharesStack {
            body["Hostname"] = .string(ContainerMap.hostname(cname, client: client.name))
        }
        if !sharesStack, let domain = try RequestValues.optionalText(client.domainname ?? map.defaultDomain, path) {
            body["Domainname"] = .string(domain)
        }
        if let user = try RequestValues.userPart(config.user, path.key("user")) { body["User"] = .string(user) }

        var labels: [String: Value] = [ContainerCreateRequest.Label.map: .string(map.name),
                                       ContainerCreateRequest.Label.config: .string(configName)]
        if let instance { labels[ContainerCreateRequest.Label.instance] = .string(instance) }
        body["Labels"] = .object(labels)

        let volumes = try volumeMounts()
        if !volumes.paths.isEmpty {
            body["Volumes"] = .object(Dictionary(volumes.paths.map { ($0, [:]) }, uniquingKeysWith: { a, _ in a }))
        }
        if !volumes.binds.isEmpty { host["Binds"] = .array(volumes.binds.map(Value.string)) }
        if !volumes.volumesFrom.isEmpty { host["VolumesFrom"] = .array(volumes.volumesFrom.map(Value.string)) }
        if !config.links.isEmpty { host["Links"] = .array(config.links.map { .string(link($0)) }) }

        let ports = try portBindings()
        if !ports.exposed.isEmpty {
            body["ExposedPorts"] = .object(Dictionary(ports.exposed.map { ($0, [:]) }, uniquingKeysWith: { a, _ in a }))
        }
        if !ports.bindings.isEmpty { host["PortBindings"] = .object(ports.bindings) }

        let networking = try networking()
        if let mode = networking.mode { host["NetworkMode"] = .string(mode) }
        if networking.disabled { body["NetworkDisabled"] = true }
        if let first = networking.first {
            body["NetworkingConfig"] = ["EndpointsConfig": .object([first.network: first.endpoint])]
        }

        if let signal = try RequestValues.optionalText(config.stopSignal, path.key("stop_signal")) {
            body["StopSignal"] = .string(signal)
        }
        if let timeout = config.stopTimeout, timeout > 0 {
            // The engine takes whole seconds; a fraction is rounded up rather than lost.
            body["StopTimeout"] = .int(Int64(timeout.rounded(.up)))
        }
        if let check = config.healthcheck { body["Healthcheck"] = try healthcheck(check) }

        // create_options and host_config over the generated values; create_options last, as Docker-Map applies them
        // to the create call after the host configuration is made.
        let hostOptions = try EngineOptions.convert(config.hostConfig, path.key("host_config"), scope: .host, object: cname)
        EngineOptions.apply(hostOptions.host, to: &host)
        let createOptions = try EngineOptions.convert(
            config.createOptions, path.key("create_options"), scope: .create, object: cname)
        EngineOptions.apply(createOptions.host, to: &host)
        EngineOptions.apply(createOptions.fields, to: &body)
        body["HostConfig"] = .object(host)

        return ContainerCreateRequest(
            name: cname, image: image, body: .object(body),
            connects: networking.rest.map {
                (network: $0.network, body: ["Container": .string(cname), "EndpointConfig": $0.endpoint])
            })
    }

    /// `Links`: `cname:alias`, the alias defaulting to the host name of the reference (`app_server.instance1` →
    /// `app-server-instance1`).
    func link(_ link: ContainerLink) -> String {
        let (target, instance) = DependencyGraph.split(link.container)
        return "\(map.containerName(target, instance: instance)):\(link.alias ?? ContainerMap.hostname(link.container))"
    }

    /// Docker-Map's `HealthCheck._asdict()` as docker-py sends it: a string test runs in the shell, no test turns
    /// the image's check off (`NONE`), unset (or zero) durations are left out.
    func healthcheck(_ check: HealthCheck) throws -> Value {
        let p = path.key("healthcheck")
        var out: [String: Value] = [:]
        let test = try check.test.map { try RequestValues.resolved($0) } ?? .null
        switch test {
        case .null, .bool(false), .string(""), .string("NONE"): out["Test"] = ["NONE"]
        case .string(let s): out["Test"] = ["CMD-SHELL", .string(s)]
        default:
            guard let items = RequestValues.items(test), !items.isEmpty else {
                throw fail(p.key("test"), "expected a command or a list, got \(InputReader.describe(test))")
            }
            var words = try items.enumerated().map { try Convert.string($0.element, p.key("test").index($0.offset + 1)) }
            if !["NONE", "CMD", "CMD-SHELL"].contains(words[0]) { words.insert("CMD", at: 0) }
            out["Test"] = .array(words.map(Value.string))
        }
        for (key, value) in [("Interval", check.interval), ("Timeout", check.timeout), ("Retries", check.retries),
                             ("StartPeriod", check.startPeriod)]
        {
            if let value, value != 0 { out[key] = .int(value) }
        }
        return .object(out)
    }
}
