/// An element of `exec_commands`: a command run in the container after it starts, as a user, on every start
/// (`restart`) or only after it was created (`initial`). Docker-Map's `ExecCommandList`.
public struct ExecCommand: ListElement {
    public enum Policy: String, Sendable { case restart, initial }

    /// A command line, a list of arguments, or a function.
    public var cmd: InputValue
    public var user: InputValue?
    public var policy: Policy

    static func parse(_ item: InputValue, _ path: InputPath, _ r: InputReader) -> ExecCommand? {
        switch item {
        case .string, .lazy: return ExecCommand(cmd: item, user: nil, policy: .restart)
        case .list(let values):
            guard (1...3).contains(values.count) else {
                r.fail(path, "an exec command has 1 to 3 items (command, user, policy); got \(values.count)")
                return nil
            }
            let get = { (i: Int) in i < values.count ? (values[i], path.index(i + 1)) : (.null, path) }
            return make(get(0), get(1), get(2), r)
        case .dict(let entries):
            let f = r.fields(entries, path, known: ["cmd", "user", "policy"])
            guard let cmd = f["cmd"] else {
                r.fail(path, "an exec command needs 'cmd'")
                return nil
            }
            return make((cmd, path.key("cmd")), (f["user"] ?? .null, path.key("user")),
                (f["policy"] ?? .null, path.key("policy")), r)
        default:
            r.wrongType(path, "a command, a list or a table", item)
            return nil
        }
    }

    private static func make(
        _ cmd: (InputValue, InputPath), _ user: (InputValue, InputPath), _ policy: (InputValue, InputPath),
        _ r: InputReader
    ) -> ExecCommand? {
        switch cmd.0 {
        case .string, .lazy: break
        case .list(let args) where !args.isEmpty:
            for (i, a) in args.enumerated() { _ = r.text(a, cmd.1.index(i + 1)) }
        default:
            r.wrongType(cmd.1, "a command line, a list of arguments or a function", cmd.0)
            return nil
        }
        var command = ExecCommand(cmd: cmd.0, user: nil, policy: .restart)
        if !user.0.isNull {
            guard let u = r.scalar(user.0, user.1, "a user name or id") else { return nil }
            command.user = u
        }
        if !policy.0.isNull {
            guard let text = policy.0.stringValue, let p = Policy(rawValue: text) else {
                r.fail(policy.1, "expected \"restart\" or \"initial\", got \(InputReader.describe(policy.0))")
                return nil
            }
            command.policy = p
        }
        return command
    }

    var input: InputValue {
        .fields([("cmd", cmd), ("user", user), ("policy", .string(policy.rawValue))])
    }
    var mergeKey: InputValue { cmd }
}
