/// `POST /networks/create` for a network of a map: Docker-Map's `get_network_create_kwargs` with docker-py's
/// `create_network`.
public struct NetworkCreateRequest: Sendable {
    /// The network's Docker name (`map.network`).
    public var name: String
    /// `{Name, Driver, Options, Internal?, CheckDuplicate, Labels}` and the network's `create_options`.
    public var body: Value

    /// The request for network `network` of the map. The driver is `bridge` unless set; `Labels` holds `dmap.map`
    /// and `dmap.network`, under any labels of the create options. The preset networks (`bridge`, `host`, `none`)
    /// are never created.
    public static func build(map: ContainerMap, network: String) throws -> NetworkCreateRequest {
        guard !ContainerMap.presetNetworks.contains(network) else {
            throw DMapError(.usage, "'\(network)' is a network Docker provides; it is never created")
        }
        guard let config = map.networks[network] else {
            throw DMapError(.usage, "unknown network '\(network)' in map '\(map.name)'"
                + Suggest.hint(network, map.networks.keys))
        }
        let name = map.networkName(network)
        let path = InputPath(map.name).key("networks").key(network)
        var body: [String: Value] = [
            "Name": .string(name),
            "Driver": .string(try RequestValues.optionalText(config.driver, path.key("driver")) ?? "bridge"),
            "Options": try Convert.stringMap(try RequestValues.resolved(config.driverOptions), path.key("driver_options")),
            "CheckDuplicate": true,
            "Labels": [
                ContainerCreateRequest.Label.map: .string(map.name),
                ContainerCreateRequest.Label.network: .string(network),
            ],
        ]
        if config.isInternal == true { body["Internal"] = true }
        let extra = try EngineOptions.convert(
            config.createOptions, path.key("create_options"), scope: .network, object: name)
        EngineOptions.apply(extra.fields, to: &body)
        return NetworkCreateRequest(name: name, body: .object(body))
    }
}
