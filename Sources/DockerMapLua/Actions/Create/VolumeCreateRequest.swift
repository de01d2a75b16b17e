/// `POST /volumes/create` for an attached volume: Docker-Map's `get_volume_create_kwargs`, with the volume's
/// configuration looked up by its alias (the intended behaviour of quirk Q4: driver, driver options and create
/// options are sent).
public struct VolumeCreateRequest: Sendable {
    /// The volume's Docker name (`map.alias`, or `map.parent.alias` with `use_attached_parent_name`).
    public var name: String
    /// `{Name, Driver?, DriverOpts?, Labels}` and the volume's `create_options`.
    public var body: Value

    /// The request for the volume `alias` attached by configuration `parent`. `Labels` holds `dmap.map` and
    /// `dmap.volume` (the alias, `parent.alias` with `use_attached_parent_name`, as `uses` names it), under any
    /// labels of the create options.
    public static func build(map: ContainerMap, parent: String, alias: String) throws -> VolumeCreateRequest {
        guard let config = map.extended(parent), !config.isAbstract else {
            throw DMapError(.usage, "unknown container configuration '\(parent)' in map '\(map.name)'"
                + Suggest.hint(parent, map.containers.keys))
        }
        guard config.attaches.contains(where: { $0.name == alias }) else {
            throw DMapError(.usage, "'\(parent)' of map '\(map.name)' attaches no volume '\(alias)'"
                + Suggest.hint(alias, config.attaches.map(\.name)))
        }
        let name = map.volumeName(alias, parent: parent)
        let label = map.useAttachedParentName == true ? "\(parent).\(alias)" : alias
        let path = InputPath(map.name).key("volumes").key(alias)
        var body: [String: Value] = [
            "Name": .string(name),
            "Labels": [
                ContainerCreateRequest.Label.map: .string(map.name),
                ContainerCreateRequest.Label.volume: .string(label),
            ],
        ]
        if let volume = map.volumes[alias] {
            if let driver = try RequestValues.optionalText(volume.driver, path.key("driver")) {
                body["Driver"] = .string(driver)
            }
            let options = try Convert.stringMap(
                try RequestValues.resolved(volume.driverOptions), path.key("driver_options"))
            if options != [:] { body["DriverOpts"] = options }
            let extra = try EngineOptions.convert(
                volume.createOptions, path.key("create_options"), scope: .volume, object: name)
            EngineOptions.apply(extra.fields, to: &body)
        }
        return VolumeCreateRequest(name: name, body: .object(body))
    }
}
