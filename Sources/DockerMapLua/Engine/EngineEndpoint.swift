import Foundation

/// Where an engine listens, parsed from a `base_url` as the docker CLI accepts it.
public enum EngineEndpoint: Sendable, Equatable {
    /// `unix:///path/to/docker.sock`
    case unix(path: String)
    /// `tcp://host:port` (TLS when `tls` is set), also `http://` and `https://`.
    case tcp(host: String, port: Int, tls: TLSSettings?)
    /// `ssh://[user@]host[:port][/socket]`, reached through `ssh … docker system dial-stdio`.
    case ssh(SSHSettings)

    /// The default when neither `-H` nor `$DOCKER_HOST` says otherwise.
    public static let defaultURL = "unix:///var/run/docker.sock"

    /// Parses `url`. `tls` applies to `tcp://` URLs (and is implied by `https://`).
    public static func parse(_ url: String, tls: TLSSettings? = nil, ssh: SSHOptions = SSHOptions()) throws
        -> EngineEndpoint
    {
        func bad(_ why: String) -> DMapError {
            DMapError(.usage, "invalid engine address '\(url)': \(why)")
        }
        guard let schemeEnd = url.range(of: "://") else {
            // The docker CLI treats a bare path as a unix socket.
            if url.hasPrefix("/") { return .unix(path: url) }
            throw bad("expected unix://, tcp://, http(s):// or ssh://")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        let rest = String(url[schemeEnd.upperBound...])
        switch scheme {
        case "unix":
            guard rest.hasPrefix("/") else { throw bad("a unix socket path must be absolute") }
            return .unix(path: rest)
        case "tcp", "http", "https":
            let useTLS = tls ?? (scheme == "https" ? TLSSettings(verify: true) : nil)
            let (host, port) = try splitHostPort(
                String(rest.prefix { $0 != "/" }), defaultPort: useTLS == nil ? 2375 : 2376, bad: bad)
            return .tcp(host: host, port: port, tls: useTLS)
        case "ssh":
            var hostPart = rest
            var socket: String?
            if let slash = rest.firstIndex(of: "/") {
                hostPart = String(rest[..<slash])
                let path = String(rest[slash...])
                socket = path == "/" ? nil : path
            }
            var user: String?
            if let at = hostPart.lastIndex(of: "@") {
                user = String(hostPart[..<at])
                hostPart = String(hostPart[hostPart.index(after: at)...])
            }
            let (host, port) = try splitHostPort(hostPart, defaultPort: 0, bad: bad)
            return .ssh(
                SSHSettings(user: user, host: host, port: port == 0 ? nil : port, socket: socket, options: ssh))
        default:
            throw bad("unsupported scheme '\(scheme)'")
        }
    }

    private static func splitHostPort(_ s: String, defaultPort: Int, bad: (String) -> DMapError) throws -> (
        String, Int
    ) {
        var host = s
        var port = defaultPort
        if s.hasPrefix("[") {  // [ipv6]:port
            guard let close = s.firstIndex(of: "]") else { throw bad("unclosed '['") }
            host = String(s[s.index(after: s.startIndex)..<close])
            let after = s[s.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()) else { throw bad("invalid port") }
                port = p
            }
        } else if let colon = s.lastIndex(of: ":") {
            host = String(s[..<colon])
            guard let p = Int(s[s.index(after: colon)...]), (1...65535).contains(p) else {
                throw bad("invalid port")
            }
            port = p
        }
        guard !host.isEmpty else { throw bad("missing host") }
        return (host, port)
    }

    /// A short readable form for messages (never contains secrets).
    public var displayName: String {
        switch self {
        case .unix(let path): return "unix://\(path)"
        case .tcp(let host, let port, let tls):
            let h = host.contains(":") ? "[\(host)]" : host
            return "tcp://\(h):\(port)\(tls == nil ? "" : " (TLS)")"
        case .ssh(let s):
            return "ssh://\(s.user.map { "\($0)@" } ?? "")\(s.host)\(s.port.map { ":\($0)" } ?? "")\(s.socket ?? "")"
        }
    }
}

/// TLS for `tcp://` engines, as `DOCKER_TLS_VERIFY` / `DOCKER_CERT_PATH` or a client's `tls` table give it.
public struct TLSSettings: Sendable, Equatable {
    /// Verify the engine's certificate (against `caCert` when given, else the system's trust roots).
    public var verify: Bool
    public var caCert: String?
    public var clientCert: String?
    public var clientKey: String?

    public init(verify: Bool, caCert: String? = nil, clientCert: String? = nil, clientKey: String? = nil) {
        self.verify = verify
        self.caCert = caCert
        self.clientCert = clientCert
        self.clientKey = clientKey
    }

    /// TLS as Docker's Go client derives it from the environment: `DOCKER_CERT_PATH` (or `~/.docker`) holds
    /// `ca.pem`, `cert.pem`, `key.pem`; a non-empty `DOCKER_TLS_VERIFY` turns verification on; `DOCKER_TLS` or
    /// `DOCKER_CERT_PATH` alone give TLS without verifying the engine. Returns `nil` when none of them is set.
    public static func fromEnvironment(_ env: [String: String]) -> TLSSettings? {
        let verify = !(env["DOCKER_TLS_VERIFY"] ?? "").isEmpty
        let tls = !(env["DOCKER_TLS"] ?? "").isEmpty
        let certPath = env["DOCKER_CERT_PATH"].flatMap { $0.isEmpty ? nil : $0 }
        guard verify || tls || certPath != nil else { return nil }
        let dir = certPath ?? ((env["HOME"] ?? NSHomeDirectory()) + "/.docker")
        func file(_ name: String) -> String? {
            let path = dir + "/" + name
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
        return TLSSettings(verify: verify, caCert: file("ca.pem"), clientCert: file("cert.pem"), clientKey: file("key.pem"))
    }
}

/// Options for the `ssh` command that carries `ssh://` connections.
public struct SSHOptions: Sendable, Equatable {
    /// A config file passed as `ssh -F`.
    public var configFile: String?
    /// Extra `-o` options (`"StrictHostKeyChecking=no"`).
    public var options: [String]
    /// Reuse one ssh connection per host through ssh's `ControlMaster` (on by default).
    public var multiplex: Bool

    public init(configFile: String? = nil, options: [String] = [], multiplex: Bool = true) {
        self.configFile = configFile
        self.options = options
        self.multiplex = multiplex
    }
}

/// An `ssh://` engine address.
public struct SSHSettings: Sendable, Equatable {
    public var user: String?
    public var host: String
    public var port: Int?
    /// The engine's socket on the remote host, when not the default.
    public var socket: String?
    public var options: SSHOptions
}
