import Foundation

/// Credentials for one registry, as the engine takes them in `X-Registry-Auth`, `X-Registry-Config` and `POST /auth`.
///
/// Either a username and password, or an identity token (what `docker login` keeps for OAuth registries and what a
/// credential helper returns under the username `<token>`). Printing one never shows the password or the token:
/// `description`, `debugDescription` and the mirror that `dump()` walks all redact them, so that no secret reaches a
/// log or an error message through string interpolation.
public struct RegistryAuth: Sendable, Equatable {
    /// The registry account's name.
    public var username: String?
    /// The account's password (or a personal access token used as one). Never printed.
    public var password: String?
    /// The account's e-mail address; deprecated by the engine, sent only when set.
    public var email: String?
    /// The registry these credentials are for: a hostname[:port], or `https://index.docker.io/v1/` for Docker Hub.
    public var serverAddress: String?
    /// An OAuth identity token; when set, it is sent instead of username and password. Never printed.
    public var identityToken: String?

    /// Credentials from their parts; all `nil` is anonymous.
    public init(
        username: String? = nil, password: String? = nil, email: String? = nil, serverAddress: String? = nil,
        identityToken: String? = nil
    ) {
        self.username = username
        self.password = password
        self.email = email
        self.serverAddress = serverAddress
        self.identityToken = identityToken
    }

    /// `X-Registry-Auth` for no credentials: base64url of `{}`.
    public static let anonymousHeader = "e30="

    /// Whether there is nothing to authenticate with (no username, password or token).
    public var isAnonymous: Bool { username == nil && password == nil && identityToken == nil }

    /// The engine's `AuthConfig` JSON: `{"username","password","email","serveraddress"}`, or
    /// `{"identitytoken","serveraddress"}` when there is an identity token; absent fields are left out.
    ///
    /// This is also the body of `POST /auth`. The result holds the secret: send it, never log it.
    public var engineJSON: Data { Self.encoder.encodeOrEmpty(engineConfig) }

    /// The `X-Registry-Auth` header value: padded base64url (RFC 4648 §5) of ``engineJSON``.
    public var headerValue: String { Base64URL.encode(engineJSON) }

    /// The same credentials with `serverAddress` filled in if it was missing.
    func addressed(_ address: String) -> RegistryAuth {
        var copy = self
        if copy.serverAddress?.isEmpty ?? true { copy.serverAddress = address }
        return copy
    }

    /// The wire form, shared with the `X-Registry-Config` builder.
    var engineConfig: EngineAuthConfig {
        if let identityToken {
            return EngineAuthConfig(identitytoken: identityToken, serveraddress: serverAddress)
        }
        return EngineAuthConfig(
            username: username, password: password, email: email, serveraddress: serverAddress)
    }

    /// A JSON encoder with sorted keys and unescaped slashes (so the output is stable and readable).
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

/// The engine's `AuthConfig` field names; `nil` fields are not encoded.
struct EngineAuthConfig: Encodable, Sendable {
    var username: String?
    var password: String?
    var email: String?
    var identitytoken: String?
    var serveraddress: String?
}

extension JSONEncoder {
    /// Encodes values that cannot fail to encode (string-only structures); `{}` in the impossible case.
    func encodeOrEmpty(_ value: some Encodable) -> Data {
        (try? encode(value)) ?? Data("{}".utf8)
    }
}

extension RegistryAuth: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The credentials with password and token redacted, e.g.
    /// `RegistryAuth(username: "alice", password: <redacted>, serverAddress: "registry.example.com")`.
    public var description: String {
        var parts: [String] = []
        if let username { parts.append("username: \(username.debugDescription)") }
        if password != nil { parts.append("password: <redacted>") }
        if let email { parts.append("email: \(email.debugDescription)") }
        if let serverAddress { parts.append("serverAddress: \(serverAddress.debugDescription)") }
        if identityToken != nil { parts.append("identityToken: <redacted>") }
        return "RegistryAuth(\(parts.isEmpty ? "anonymous" : parts.joined(separator: ", ")))"
    }

    /// Same as ``description``: secrets are redacted.
    public var debugDescription: String { description }

    /// A mirror whose password and token children are the text `<redacted>`.
    public var customMirror: Mirror {
        let redacted = "<redacted>"
        return Mirror(
            self,
            children: [
                "username": username as Any,
                "password": (password == nil ? nil : redacted) as Any,
                "email": email as Any,
                "serverAddress": serverAddress as Any,
                "identityToken": (identityToken == nil ? nil : redacted) as Any,
            ],
            displayStyle: .struct)
    }
}

/// Base64 with the URL- and filename-safe alphabet of RFC 4648 §5 (`-` and `_`), padded, as the engine decodes it.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        String(
            data.base64EncodedString().map { c -> Character in
                switch c {
                case "+": return "-"
                case "/": return "_"
                default: return c
                }
            })
    }

    /// Decodes either alphabet, with or without padding; `nil` if it is not base64.
    static func decode(_ text: String) -> Data? {
        var standard = String(
            text.map { c -> Character in
                switch c {
                case "-": return "+"
                case "_": return "/"
                default: return c
                }
            })
        standard = standard.trimmingCharacters(in: .whitespacesAndNewlines)
        let remainder = standard.utf8.count % 4
        if remainder != 0 { standard += String(repeating: "=", count: 4 - remainder) }
        return Data(base64Encoded: standard)
    }
}
