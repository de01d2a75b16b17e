/// Reading credentials from configuration values (the client configuration's `auth_configs`).
extension RegistryAuth {
    /// Fields a credentials table may have; `registry`, `reauth`, `insecure_registry` and `dockercfg_path` are
    /// docker-py `login` arguments that dockermap passes through, accepted and ignored here.
    static let fieldNames: Set<String> = ["username", "password", "email", "serveraddress", "identitytoken"]
    static let ignoredFieldNames: Set<String> = ["registry", "reauth", "insecure_registry", "dockercfg_path"]

    /// Credentials from a table `{username, password, email?, serveraddress?, identitytoken?}` given for `registry`.
    ///
    /// Errors are `.config` errors that name the registry and the field, never a value.
    public init(value: Value, registry: String) throws {
        guard case .object(let fields) = value else {
            throw DMapError(.config, "auth_configs entry for \(registry) must be a table, not a \(value.typeName)")
        }
        for key in fields.keys.sorted() where !Self.fieldNames.contains(key) && !Self.ignoredFieldNames.contains(key) {
            throw DMapError(
                .config,
                "auth_configs entry for \(registry) has an unknown field '\(key)' (known: "
                    + Self.fieldNames.sorted().joined(separator: ", ") + ")")
        }
        func string(_ name: String) throws -> String? {
            switch fields[name] {
            case nil, .null?: return nil
            case .string(let s)?: return s
            case let other?:
                throw DMapError(
                    .config, "'\(name)' of the auth_configs entry for \(registry) must be a string, not a \(other.typeName)")
            }
        }
        self.init(
            username: try string("username"), password: try string("password"), email: try string("email"),
            serverAddress: try string("serveraddress"), identityToken: try string("identitytoken"))
    }

    /// A whole `auth_configs` table: registry → credentials table. `nil`/absent is empty.
    public static func authConfigs(from value: Value?) throws -> [String: RegistryAuth] {
        switch value {
        case nil, .null?: return [:]
        case .object(let entries)?:
            var result: [String: RegistryAuth] = [:]
            for (registry, entry) in entries { result[registry] = try RegistryAuth(value: entry, registry: registry) }
            return result
        case let other?:
            throw DMapError(.config, "auth_configs must be a table of registry → credentials, not a \(other.typeName)")
        }
    }
}
