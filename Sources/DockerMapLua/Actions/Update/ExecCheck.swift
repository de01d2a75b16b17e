/// Which exec commands of a running container are not running (Docker-Map's `_check_commands` on
/// `GET /containers/{id}/top?ps_args=-eo pid,user,args`): `full` wants a process with exactly the command line (and
/// the command's user, where one is given), `partial` a process whose command line contains it.
public enum ExecCheck {
    /// The `ps` arguments of the `top` call.
    static let psArgs = "-eo pid,uid,user,args"

    public enum Mode: String, Sendable { case full, partial, none }

    /// The indices of `commands` (exec request bodies `{Cmd, User?}`) with no matching process in `top` (the reply
    /// of the top call).
    static func missing(_ commands: [Value], top: Value, mode: Mode) -> [Int] {
        let titles = (top["Titles"]?.arrayValue ?? []).compactMap(\.stringValue)
        let uidColumn = titles.firstIndex(of: "UID"), userColumn = titles.firstIndex(of: "USER")
        let argsColumn = titles.firstIndex(of: "COMMAND") ?? titles.firstIndex(of: "ARGS") ?? max(titles.count - 1, 0)
        let rows = (top["Processes"]?.arrayValue ?? []).map { $0.arrayValue.compactMap(\.stringValue) }
        return commands.indices.filter { i in
            let words = (commands[i]["Cmd"]?.arrayValue ?? []).compactMap(\.stringValue)
            let line = words.joined(separator: " ")
            let user = commands[i]["User"]?.stringValue.map { String($0.split(separator: ":").first ?? "") }
            return !rows.contains { row in
                guard argsColumn < row.count else { return false }
                let args = row[argsColumn]
                guard mode == .partial ? args.contains(line) : args == line else { return false }
                guard let user, !user.isEmpty, mode == .full else { return true }
                return (userColumn.map { $0 < row.count && row[$0] == user } ?? false)
                    || (uidColumn.map { $0 < row.count && row[$0] == user } ?? false)
            }
        }
    }
}
