import Foundation
import NIOCore
import NIOHTTP1

/// One call to the Engine API, before the version prefix is added.
public struct EngineRequest: Sendable {
    /// What the request sends as its body.
    public enum Body: Sendable {
        case none
        case bytes([UInt8])
        case json(Value)
        /// Streamed with chunked transfer encoding; the closure writes the parts and returns.
        case stream(contentType: String, @Sendable (EngineBodyWriter) async throws -> Void)
    }

    public var method: String
    /// The path without the `/v1.NN` prefix, e.g. `/containers/json`.
    public var path: String
    public var query: [(String, String)]
    public var headers: [(String, String)]
    public var body: Body
    /// Silence allowed before the call fails with `timeout`; `nil` means the client's timeout.
    public var timeout: TimeAmount?
    /// The object the call is about, named in errors (`no such container: web`).
    public var object: String?
    /// Prefix the path with the negotiated API version (off for `/_ping`).
    public var versioned: Bool

    public init(
        _ method: String, _ path: String, query: [(String, String)] = [], headers: [(String, String)] = [],
        body: Body = .none, timeout: TimeAmount? = nil, object: String? = nil, versioned: Bool = true
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.object = object
        self.versioned = versioned
    }

    /// The request target: version prefix, path and percent-encoded query.
    func target(apiVersion: String?) -> String {
        var uri = ""
        if versioned, let apiVersion { uri += "/v\(apiVersion)" }
        uri += path.hasPrefix("/") ? path : "/" + path
        if !query.isEmpty {
            uri += "?" + query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        }
        return uri
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s
    }

    /// Escapes one path segment (an object name or id) for use inside `path`.
    public static func segment(_ s: String) -> String { escape(s) }
}

/// Writes the parts of a streamed request body.
public struct EngineBodyWriter: Sendable {
    let writer: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>

    /// Sends `buffer`; waits while the engine is not reading (backpressure).
    public func write(_ buffer: ByteBuffer) async throws {
        try await writer.write(.body(.byteBuffer(buffer)))
    }

    /// Sends `bytes`.
    public func write(_ bytes: some Sequence<UInt8>) async throws {
        try await write(ByteBuffer(bytes: bytes))
    }
}
