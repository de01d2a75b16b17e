import Foundation
import NIOConcurrencyHelpers

/// Every source of registry credentials for one client, asked in order of precedence:
///
/// 1. credentials remembered after a successful `login` during this run (per registry);
/// 2. the client configuration's `auth_configs`;
/// 3. the docker CLI's configuration: its credential helpers, then its `auths` (see ``DockerConfigFile``).
///
/// Registries are matched by their normalised name (``RegistryName/normalise(_:)``), so `https://index.docker.io/v1/`,
/// `index.docker.io` and `docker.io` are the same registry. The configuration file is read once, on first need; helpers
/// are asked every time (their tokens may be short-lived). Safe to use from any thread.
public final class CredentialStore: Sendable {
    /// The environment that locates the configuration file (`DOCKER_CONFIG`, `HOME`) and the helpers (`PATH`).
    public let environment: [String: String]
    /// How long a credential helper may take before it is killed.
    public let helperTimeout: Duration
    /// `auth_configs`, keyed by normalised registry.
    private let configured: [String: RegistryAuth]
    private let loggedIn = NIOLockedValueBox<[String: RegistryAuth]>([:])
    private let configFile = NIOLockedValueBox<DockerConfigFile?>(nil)

    /// A store over `authConfigs` (keyed by registry in any form the docker CLI accepts) and the docker configuration
    /// that `environment` points at.
    public init(
        authConfigs: [String: RegistryAuth] = [:], environment: [String: String] = ProcessInfo.processInfo.environment,
        helperTimeout: Duration = CredentialHelper.defaultTimeout
    ) {
        self.environment = environment
        self.helperTimeout = helperTimeout
        var configured: [String: RegistryAuth] = [:]
        // Sorted, so that when two keys name the same registry the choice does not depend on hashing.
        for (key, auth) in authConfigs.sorted(by: { $0.key < $1.key }) {
            let name = RegistryName.normalise(key)
            if configured[name] == nil || key == name { configured[name] = auth }
        }
        self.configured = configured
    }

    /// The docker CLI's configuration, read on first use and kept; a malformed file is a `.config` error (and is read
    /// again next time).
    public func dockerConfig() throws -> DockerConfigFile {
        try configFile.withLockedValue { cached in
            if let cached { return cached }
            let loaded = try DockerConfigFile.load(environment: environment)
            cached = loaded
            return loaded
        }
    }

    /// The credentials for `registry` (any form: `docker.io`, `https://registry.example.com/v1/`, `127.0.0.1:5000`),
    /// or `nil` for anonymous access. A failing credential helper is a `.auth` error.
    public func credentials(for registry: String) throws -> RegistryAuth? {
        let name = RegistryName.normalise(registry)
        let address = RegistryName.configKey(for: name)
        if let remembered = loggedIn.withLockedValue({ $0[name] }) { return remembered.addressed(address) }
        if let configured = configured[name] { return configured.addressed(address) }
        let file = try dockerConfig()
        return try file.credentials(for: name, environment: environment, helperTimeout: helperTimeout)?
            .addressed(address)
    }

    /// The credentials for the registry of an image reference (`busybox` → Docker Hub), or `nil`.
    public func credentials(forImage image: String) throws -> RegistryAuth? {
        do {
            return try credentials(for: RegistryName.of(image: image))
        } catch var error as DMapError {
            if error.object == nil { error.object = image }
            throw error
        }
    }

    /// Keeps `auth` for `registry` after a successful login; it then wins over every other source.
    public func remember(_ auth: RegistryAuth, for registry: String) {
        let name = RegistryName.normalise(registry)
        loggedIn.withLockedValue { $0[name] = auth }
    }

    /// Drops what ``remember(_:for:)`` kept for `registry` (the other sources are untouched).
    public func forget(registry: String) {
        let name = RegistryName.normalise(registry)
        loggedIn.withLockedValue { $0[name] = nil }
    }

    /// Whether a login for `registry` has been remembered.
    public func isLoggedIn(registry: String) -> Bool {
        let name = RegistryName.normalise(registry)
        return loggedIn.withLockedValue { $0[name] != nil }
    }

    /// The `X-Registry-Auth` value for pulling or pushing `image`: its registry's credentials, or anonymous `{}`.
    public func header(forImage image: String) throws -> String {
        try credentials(forImage: image)?.headerValue ?? RegistryAuth.anonymousHeader
    }

    /// Everything known, keyed by ``RegistryName/configKey(for:)`` (`https://index.docker.io/v1/` for Docker Hub,
    /// else hostname[:port]): the docker configuration, overridden by `auth_configs`, overridden by logins.
    /// Helpers that fail are skipped, as the docker CLI does for builds.
    public func allCredentials() throws -> [String: RegistryAuth] {
        var all = try dockerConfig().allCredentials(environment: environment, helperTimeout: helperTimeout)
        for (name, auth) in configured { all[RegistryName.configKey(for: name)] = auth }
        for (name, auth) in loggedIn.withLockedValue({ $0 }) { all[RegistryName.configKey(for: name)] = auth }
        return all.reduce(into: [:]) { result, entry in result[entry.key] = entry.value.addressed(entry.key) }
    }

    /// The `X-Registry-Config` value for `POST /build`: padded base64url of the JSON map registry → auth config of
    /// ``allCredentials()`` (`{}` when nothing is known).
    public func buildConfigHeader() throws -> String {
        Self.buildConfigHeader(try allCredentials())
    }

    /// The `X-Registry-Config` value for a given map of config key → credentials.
    public static func buildConfigHeader(_ credentials: [String: RegistryAuth]) -> String {
        Base64URL.encode(RegistryAuth.encoder.encodeOrEmpty(credentials.mapValues(\.engineConfig)))
    }
}
