extension Dockerfile {
    /// The delayed properties: set at any time before `finalize()`, written by it (in the order of `finalizeOrder`).
    public enum Property: String, CaseIterable, Sendable {
        case volumes, entrypoint, command
        case commandShell = "command_shell"
        case commandUser = "command_user"
        case commandWorkdir = "command_workdir"
        case expose, labels, shell, stopsignal, healthcheck

        /// The property called `name`: the property names, plus the constructor's `cmd_user` and `cmd_workdir`.
        public init?(name: String) {
            switch name {
            case "cmd_user": self = .commandUser
            case "cmd_workdir": self = .commandWorkdir
            default: self.init(rawValue: name)
            }
        }

        /// The order in which `finalize()` writes them (`command_shell` only affects ENTRYPOINT and CMD).
        static let finalizeOrder: [Property] = [
            .volumes, .commandUser, .commandWorkdir, .shell, .entrypoint, .command, .expose, .labels, .stopsignal,
            .healthcheck,
        ]

        /// The form `value` is kept in, or a `DMapError(.usage)` naming the property when it is not a valid value.
        ///
        /// `nil` unsets (for `command_shell`: `false`). An empty table counts as an empty list. Numbers become strings
        /// where Docker-Map would `str()` them. Beyond Docker-Map: `volumes` also takes one path as a string, and
        /// `shell` also takes a list (written as the JSON array that `SHELL` needs).
        func normalize(_ value: Value) throws -> Value {
            if case .null = value { return self == .commandShell ? .bool(false) : .null }
            func bad(_ expected: String, _ got: Value = value) -> DMapError {
                DMapError(.usage, "dockerfile: '\(rawValue)' must be \(expected), got \(got.typeName)")
            }
            func words(_ items: [Value], _ expected: String) throws -> Value {
                .array(try items.enumerated().map { index, item in
                    guard let w = DockerfileFormat.word(item) else {
                        throw DMapError(.usage, "dockerfile: '\(rawValue)' item \(index + 1) must be \(expected), got \(item.typeName)")
                    }
                    return .string(w)
                })
            }
            let integer = value.intValue.map { Value.string(String($0)) }
            switch (self, value) {
            case (.commandShell, .bool): return value
            case (.commandShell, _): throw bad("a boolean")
            case (.volumes, .string): return .array([value])
            case (.volumes, .array(let items)):
                for (index, item) in items.enumerated() where item.stringValue == nil {
                    throw DMapError(.usage, "dockerfile: 'volumes' item \(index + 1) must be a string, got \(item.typeName)")
                }
                return value
            case (.volumes, .object([:])), (.entrypoint, .object([:])), (.command, .object([:])), (.expose, .object([:])),
                (.shell, .object([:])):
                return .array([])
            case (.volumes, _): throw bad("a list of paths")
            case (.entrypoint, .string), (.command, .string), (.shell, .string), (.commandWorkdir, .string),
                (.healthcheck, .string), (.commandUser, .string), (.stopsignal, .string):
                return value
            case (.entrypoint, .array(let items)), (.command, .array(let items)), (.shell, .array(let items)):
                return try words(items, "a string or a number")
            case (.entrypoint, _), (.command, _), (.shell, _): throw bad("a string or a list of strings")
            case (.commandUser, _) where integer != nil: return integer!
            case (.stopsignal, _) where integer != nil: return integer!
            case (.commandUser, _): throw bad("a user name or id")
            case (.stopsignal, _): throw bad("a signal name or number")
            case (.commandWorkdir, _), (.healthcheck, _): throw bad("a string")
            case (.expose, .string(let s)): return .array(s.isEmpty ? [] : [value])
            case (.expose, .array(let items)): return try words(items, "a port (number or string)")
            case (.expose, _) where integer != nil: return .array([integer!])
            case (.expose, _): throw bad("a port or a list of ports")
            case (.labels, .string): return value
            case (.labels, .object(let fields)):
                return .object(try fields.mapValues { item in
                    guard let w = DockerfileFormat.word(item) else { throw bad("a table of strings", item) }
                    return .string(w)
                })
            case (.labels, .array(let pairs)):
                return .array(try pairs.enumerated().map { index, pair in
                    guard case .array(let kv) = pair, kv.count == 2, let k = DockerfileFormat.word(kv[0]),
                        let v = DockerfileFormat.word(kv[1])
                    else {
                        throw DMapError(.usage, "dockerfile: 'labels' item \(index + 1) must be a {key, value} pair")
                    }
                    return .array([.string(k), .string(v)])
                })
            case (.labels, _): throw bad("a string, a table of strings, or a list of {key, value} pairs")
            }
        }
    }

    /// The instruction and its arguments that `finalize()` writes for `property`, or `nil` for none. Follows Docker-Map's
    /// tests: `volumes`, `entrypoint`, `command` and `expose` are written when set (even empty), the others when
    /// non-empty; except that an empty `expose` writes nothing (Docker-Map writes a bare `EXPOSE` without newline).
    func instruction(_ property: Property) -> (String, [String])? {
        guard let value = properties[property] else { return nil }
        let text = value.stringValue ?? ""
        switch property {
        case .volumes:
            guard case .array(let items) = value else { return nil }
            return ("VOLUME", [DockerfileFormat.jsonArray(items.compactMap(\.stringValue))])
        case .commandUser: return text.isEmpty ? nil : ("USER", [text])
        case .commandWorkdir: return text.isEmpty ? nil : ("WORKDIR", [text])
        case .shell:
            if case .array(let items) = value {
                return items.isEmpty ? nil : ("SHELL", [DockerfileFormat.jsonArray(items.compactMap(\.stringValue))])
            }
            return text.isEmpty ? nil : ("SHELL", [text])
        case .entrypoint: return ("ENTRYPOINT", [DockerfileFormat.command(value, shell: commandShell)])
        case .command: return ("CMD", [DockerfileFormat.command(value, shell: commandShell)])
        case .expose:
            guard case .array(let items) = value, !items.isEmpty else { return nil }
            return ("EXPOSE", items.compactMap(\.stringValue))
        case .labels:
            let labels = DockerfileFormat.labels(value)
            return labels.isEmpty ? nil : ("LABEL", labels)
        case .stopsignal: return text.isEmpty ? nil : ("STOPSIGNAL", [text])
        case .healthcheck: return text.isEmpty ? nil : ("HEALTHCHECK", [text])
        case .commandShell: return nil
        }
    }
}
