/// `POST /containers/{name}/exec` for a container's exec command: Docker-Map's `get_exec_create_kwargs` with
/// docker-py's `exec_create`.
public struct ExecRequest: Sendable {
    public var command: ExecCommand
    /// `{Cmd, User?, AttachStdout, AttachStderr}`.
    public var body: Value

    /// The request for `command` of configuration `config`. A command line is split as `shlex.split` does; a list is
    /// used as it is. The user is the command's, else the user part of the container's `user`, else the image's.
    public static func build(map: ContainerMap, config: String, command: ExecCommand) throws -> ExecRequest {
        let container = map.extended(config)
        let path = InputPath(map.name).key("containers").key(config).key("exec_commands")
        let cmd = try RequestValues.resolved(command.cmd)
        let words = try Convert.command(cmd, path)
        guard !words.isEmpty else { throw RequestValues.fail(path, "an exec command is empty") }
        var body: [String: Value] = [
            "Cmd": .array(words.map(Value.string)), "AttachStdout": true, "AttachStderr": true,
        ]
        if let user = try RequestValues.optionalText(command.user, path.key("user"))
            ?? RequestValues.userPart(container?.user, InputPath(map.name).key("containers").key(config).key("user"))
        {
            body["User"] = .string(user)
        }
        return ExecRequest(command: command, body: .object(body))
    }

    /// The requests for every exec command of configuration `config` (extended), in order.
    public static func all(map: ContainerMap, config: String) throws -> [ExecRequest] {
        guard let container = map.extended(config) else {
            throw DMapError(.usage, "unknown container configuration '\(config)' in map '\(map.name)'"
                + Suggest.hint(config, map.containers.keys))
        }
        return try container.execCommands.map { try build(map: map, config: config, command: $0) }
    }
}
