import Foundation

/// The registry part of the docker CLI's `config.json`: `auths`, `credsStore` and `credHelpers`.
///
/// The file is `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`, with both variables taken from an
/// environment dictionary (not the process), so that callers and tests choose where it is read. A missing file means
/// no credentials; a malformed one is a `.config` error naming the file (never its contents).
public struct DockerConfigFile: Sendable, Equatable {
    /// Where the settings were read from; `nil` when there was no file.
    public var path: String?
    /// Stored credentials keyed as in the file (`serverAddress` is the key); entries without credentials are left out.
    public var auths: [String: RegistryAuth]
    /// The default credential helper: `docker-credential-<credsStore>`.
    public var credsStore: String?
    /// Per-registry credential helpers, keyed as in the file; they override `credsStore`.
    public var credHelpers: [String: String]

    /// Settings from their parts (an empty configuration by default).
    public init(
        path: String? = nil, auths: [String: RegistryAuth] = [:], credsStore: String? = nil,
        credHelpers: [String: String] = [:]
    ) {
        self.path = path
        self.auths = auths
        self.credsStore = credsStore
        self.credHelpers = credHelpers
    }

    /// Where the docker CLI keeps its configuration for `environment`, or `nil` when neither `DOCKER_CONFIG` nor
    /// `HOME` is set.
    public static func location(environment: [String: String]) -> String? {
        if let dir = environment["DOCKER_CONFIG"], !dir.isEmpty {
            return (dir as NSString).appendingPathComponent("config.json")
        }
        if let home = environment["HOME"], !home.isEmpty {
            return (home as NSString).appendingPathComponent(".docker/config.json")
        }
        return nil
    }

    /// Reads the configuration that `environment` points at; empty when there is none.
    public static func load(environment: [String: String]) throws -> DockerConfigFile {
        guard let path = location(environment: environment) else { return DockerConfigFile() }
        return try load(path: path)
    }

    /// Reads `path`; empty when the file does not exist.
    public static func load(path: String) throws -> DockerConfigFile {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return DockerConfigFile()
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw DMapError(.config, "cannot read the docker configuration file \(path)")
        }
        return try parse(data, path: path)
    }

    /// Parses the contents of a `config.json` read from `path` (named in errors).
    public static func parse(_ data: Data, path: String) throws -> DockerConfigFile {
        func malformed(_ why: String) -> DMapError {
            DMapError(.config, "malformed docker configuration file \(path): \(why)")
        }
        var config = DockerConfigFile(path: path)
        if data.allSatisfy({ [9, 10, 13, 32].contains($0) }) { return config }  // empty, as the docker CLI allows
        guard let root = try? JSONDecoder().decode(Value.self, from: data) else { throw malformed("not JSON") }
        guard case .object(let fields) = root else { throw malformed("not a JSON object") }

        switch fields["auths"] {
        case nil, .null?: break
        case .object(let entries)?:
            for (key, entry) in entries {
                if let auth = try authEntry(entry, key: key, malformed: malformed) { config.auths[key] = auth }
            }
        default: throw malformed("\"auths\" is not an object")
        }

        switch fields["credsStore"] {
        case nil, .null?: break
        case .string(let name)?:
            if !name.isEmpty { config.credsStore = try helperName(name, malformed: malformed) }
        default: throw malformed("\"credsStore\" is not a string")
        }

        switch fields["credHelpers"] {
        case nil, .null?: break
        case .object(let helpers)?:
            for (registry, helper) in helpers {
                guard case .string(let name) = helper else {
                    throw malformed("credHelpers entry for \(registry) is not a string")
                }
                if !name.isEmpty { config.credHelpers[registry] = try helperName(name, malformed: malformed) }
            }
        default: throw malformed("\"credHelpers\" is not an object")
        }
        return config
    }

    /// One `auths` entry: `{auth: base64("user:pass"), identitytoken?, email?}` (or plain `username`/`password`).
    private static func authEntry(
        _ entry: Value, key: String, malformed: (String) -> DMapError
    ) throws -> RegistryAuth? {
        guard case .object(let fields) = entry else { throw malformed("auths entry for \(key) is not an object") }
        func string(_ name: String) throws -> String? {
            switch fields[name] {
            case nil, .null?: return nil
            case .string(let s)?: return s.isEmpty ? nil : s
            default: throw malformed("\"\(name)\" of the auths entry for \(key) is not a string")
            }
        }
        var auth = RegistryAuth(
            username: try string("username"), password: try string("password"), email: try string("email"),
            serverAddress: key, identityToken: try string("identitytoken"))
        if let encoded = try string("auth") {
            guard let decoded = Base64URL.decode(encoded).flatMap({ String(data: $0, encoding: .utf8) }),
                let colon = decoded.firstIndex(of: ":")
            else { throw malformed("\"auth\" of the auths entry for \(key) is not base64 of user:password") }
            auth.username = String(decoded[..<colon])
            auth.password = String(decoded[decoded.index(after: colon)...])
        }
        return auth.isAnonymous ? nil : auth
    }

    /// A helper name must be a plain name, since it becomes part of an executable name looked up on `PATH`.
    private static func helperName(_ name: String, malformed: (String) -> DMapError) throws -> String {
        guard !name.contains("/"), !name.contains("\0") else {
            throw malformed("\(name.debugDescription) is not a credential helper name")
        }
        return name
    }

    /// The credential helper responsible for `registry`: its `credHelpers` entry (exact or hostname-normalised key),
    /// else `credsStore`, else `nil`.
    public func helper(for registry: String) -> String? {
        if let name = matching(credHelpers, registry) { return name }
        return credsStore
    }

    /// The `auths` entry for `registry`, matched exactly or by hostname-normalised key.
    public func storedAuth(for registry: String) -> RegistryAuth? {
        matching(auths, registry)
    }

    /// The entry of `table` for `registry`: under the exact name, then its config key, then any key that normalises
    /// to the same hostname (in sorted key order, so the choice is stable).
    private func matching<T>(_ table: [String: T], _ registry: String) -> T? {
        if let exact = table[registry] ?? table[RegistryName.configKey(for: registry)] { return exact }
        let name = RegistryName.normalise(registry)
        return table.keys.sorted().first { RegistryName.normalise($0) == name }.flatMap { table[$0] }
    }

    /// The credentials this file gives for `registry`, looked up as the docker CLI and community.docker do: the
    /// responsible helper (`credHelpers[registry]`, else `credsStore`) first; if it has none, the `auths` entry.
    ///
    /// Helpers are asked with ``RegistryName/configKey(for:)`` (`https://index.docker.io/v1/` for Docker Hub).
    /// A failing helper is a `.auth` error.
    public func credentials(
        for registry: String, environment: [String: String], helperTimeout: Duration = CredentialHelper.defaultTimeout
    ) throws -> RegistryAuth? {
        if let name = helper(for: registry) {
            let helper = CredentialHelper(name: name, environment: environment, timeout: helperTimeout)
            if let found = try helper.get(serverURL: RegistryName.configKey(for: registry)) { return found }
        }
        return storedAuth(for: registry)
    }

    /// Everything this file knows, keyed by ``RegistryName/configKey(for:)``, for `X-Registry-Config`: the `auths`
    /// entries, then what `credsStore` lists, then each `credHelpers` registry (later ones win).
    ///
    /// As in the docker CLI, a helper that fails here is skipped: a build must not fail for credentials it may not
    /// need.
    public func allCredentials(
        environment: [String: String], helperTimeout: Duration = CredentialHelper.defaultTimeout
    ) -> [String: RegistryAuth] {
        var all: [String: RegistryAuth] = [:]
        for (key, auth) in auths { all[RegistryName.configKey(for: key)] = auth }
        func ask(_ name: String, _ server: String) {
            let helper = CredentialHelper(name: name, environment: environment, timeout: helperTimeout)
            if let found = try? helper.get(serverURL: server) { all[RegistryName.configKey(for: server)] = found }
        }
        if let store = credsStore {
            let helper = CredentialHelper(name: store, environment: environment, timeout: helperTimeout)
            for server in ((try? helper.list()) ?? [:]).keys.sorted() { ask(store, server) }
        }
        for (registry, name) in credHelpers.sorted(by: { $0.key < $1.key }) {
            ask(name, RegistryName.configKey(for: registry))
        }
        return all
    }
}
