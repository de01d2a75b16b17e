import Foundation

/// Registry names as the engine and the docker CLI see them, and the keys under which credentials are kept.
///
/// Follows community.docker's `split_repo_name`, `resolve_index_name` and `convert_to_hostname`: the first path
/// component of an image is a registry only if it contains `.` or `:` or is `localhost`; everything else is on
/// Docker Hub. Config keys such as `https://registry.example.com/v1/` normalise to their hostname[:port], and every
/// Docker Hub alias to `docker.io`.
public enum RegistryName {
    /// The normalised name of Docker Hub.
    public static let dockerHub = "docker.io"
    /// The key under which Docker Hub credentials live in `config.json`, credential helpers and `X-Registry-Config`.
    public static let dockerHubConfigKey = "https://index.docker.io/v1/"
    /// Hostnames that all mean Docker Hub.
    public static let dockerHubAliases: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io"]

    /// Splits an image reference into its registry part as written (`docker.io` when there is none) and the rest.
    ///
    /// `busybox` → (`docker.io`, `busybox`); `127.0.0.1:5000/x:1` → (`127.0.0.1:5000`, `x:1`);
    /// `team/app` → (`docker.io`, `team/app`).
    public static func split(image: String) -> (registry: String, remainder: String) {
        guard let slash = image.firstIndex(of: "/") else { return (dockerHub, image) }
        let first = image[..<slash]
        guard first.contains(".") || first.contains(":") || first == "localhost" else { return (dockerHub, image) }
        return (String(first), String(image[image.index(after: slash)...]))
    }

    /// The normalised registry of an image reference: `registry.example.com/team/app:1` → `registry.example.com`,
    /// `busybox` and `index.docker.io/library/busybox` → `docker.io`.
    public static func of(image: String) -> String {
        normalise(split(image: image).registry)
    }

    /// A registry name or config key reduced to hostname[:port]: the scheme and any path are dropped, and Docker Hub
    /// aliases become `docker.io`. `https://registry.example.com/v1/` → `registry.example.com`,
    /// `http://127.0.0.1:5000` → `127.0.0.1:5000`, `https://index.docker.io/v1/` → `docker.io`; empty → `docker.io`.
    public static func normalise(_ name: String) -> String {
        var rest = Substring(name.trimmingCharacters(in: .whitespaces))
        for scheme in ["https://", "http://"] where rest.lowercased().hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        let host = String(rest)
        if host.isEmpty || dockerHubAliases.contains(host.lowercased()) { return dockerHub }
        return host
    }

    /// Whether a registry name or config key means Docker Hub.
    public static func isDockerHub(_ name: String) -> Bool {
        normalise(name) == dockerHub
    }

    /// The key to ask credential helpers for and to use in `X-Registry-Config`: `https://index.docker.io/v1/` for
    /// Docker Hub, else the normalised hostname[:port].
    public static func configKey(for registry: String) -> String {
        let name = normalise(registry)
        return name == dockerHub ? dockerHubConfigKey : name
    }
}
