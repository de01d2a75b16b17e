import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// A connection to one Docker engine: the Engine API over a unix socket, TCP, TLS or ssh.
///
/// The API version is negotiated once (`GET /_ping`) unless pinned. Every call has a timeout on silence. All methods
/// are safe to call concurrently.
public final class DockerClient: Sendable {
    /// What the client is created from.
    public struct Configuration: Sendable {
        /// `unix:///…`, `tcp://host:port`, `ssh://user@host`; see `EngineEndpoint.parse`.
        public var baseURL: String
        /// `"auto"` to negotiate, or a fixed version such as `"1.41"`.
        public var version: String
        /// Seconds of silence before a call fails with `timeout`.
        public var timeout: Double
        /// TLS for `tcp://`; `nil` for plain TCP.
        public var tls: TLSSettings?
        public var ssh: SSHOptions
        /// A name for messages (the address when not set).
        public var name: String?

        public init(
            baseURL: String = EngineEndpoint.defaultURL, version: String = "auto", timeout: Double = 60,
            tls: TLSSettings? = nil, ssh: SSHOptions = SSHOptions(), name: String? = nil
        ) {
            self.baseURL = baseURL
            self.version = version
            self.timeout = timeout
            self.tls = tls
            self.ssh = ssh
            self.name = name
        }

        /// The docker CLI's defaults from the environment: `DOCKER_HOST`, `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`,
        /// `DOCKER_API_VERSION`.
        public static func fromEnvironment(
            _ env: [String: String] = ProcessInfo.processInfo.environment, host: String? = nil
        ) -> Configuration {
            var config = Configuration()
            if let host = host ?? env["DOCKER_HOST"], !host.isEmpty { config.baseURL = host }
            if let version = env["DOCKER_API_VERSION"], !version.isEmpty { config.version = version }
            config.tls = TLSSettings.fromEnvironment(env)
            return config
        }
    }

    /// The newest API version this client speaks, and the oldest it accepts.
    public static let maxAPIVersion = "1.45"
    public static let minAPIVersion = "1.24"

    public let configuration: Configuration
    public let endpoint: EngineEndpoint
    let transport: EngineTransport
    private let negotiation = NIOLockedValueBox<NegotiationState>(.idle)

    /// The name used in messages: the configured name or the address.
    public var name: String { configuration.name ?? endpoint.displayName }

    public init(_ configuration: Configuration) throws {
        guard configuration.timeout > 0 else {
            throw DMapError(.usage, "timeout must be a positive number of seconds")
        }
        if configuration.version != "auto" && Self.parseVersion(configuration.version) == nil {
            throw DMapError(.usage, "invalid API version '\(configuration.version)' (expected \"auto\" or like \"1.41\")")
        }
        self.configuration = configuration
        self.endpoint = try EngineEndpoint.parse(configuration.baseURL, tls: configuration.tls, ssh: configuration.ssh)
        self.transport = try EngineTransport(
            endpoint: endpoint, timeout: .nanoseconds(Int64(configuration.timeout * 1e9)))
    }

    // MARK: Version negotiation

    /// The API version in use: the pinned one, or `min(engine's, maxAPIVersion)` found once by `/_ping`.
    ///
    /// Concurrent first calls share one negotiation. It runs in the caller's task (no unstructured task, which
    /// would need Swift's global pool).
    public func apiVersion() async throws -> String {
        if configuration.version != "auto" { return configuration.version }
        enum Step { case done(String), wait, lead }
        let waiter = NegotiationWaiter()
        let step = negotiation.withLockedValue { state -> Step in
            switch state {
            case .done(let version): return .done(version)
            case .running(let waiters):
                state = .running(waiters + [waiter])
                return .wait
            case .idle:
                state = .running([])
                return .lead
            }
        }
        switch step {
        case .done(let version):
            return version
        case .wait:
            return try await waiter.wait()
        case .lead:
            let result: Result<String, Error>
            do { result = .success(try await negotiate()) } catch { result = .failure(error) }
            let waiters = negotiation.withLockedValue { state -> [NegotiationWaiter] in
                guard case .running(let waiters) = state else { return [] }
                // A failed negotiation is tried again by the next call.
                if case .success(let version) = result { state = .done(version) } else { state = .idle }
                return waiters
            }
            for w in waiters { w.resume(result) }
            return try result.get()
        }
    }

    private func negotiate() async throws -> String {
        let (_, headers) = try await perform(EngineRequest("GET", "/_ping", versioned: false), apiVersion: nil) {
            response in
            _ = try await response.collect(limit: 1 << 16)
            return (response.status, response.headers)
        }
        guard let server = headers.first(name: "api-version"), let serverVersion = Self.parseVersion(server) else {
            // Engines older than 1.25 do not say; speak the oldest we know.
            return Self.minAPIVersion
        }
        let ours = Self.parseVersion(Self.maxAPIVersion)!
        if serverVersion < Self.parseVersion(Self.minAPIVersion)! {
            throw DMapError(
                .engine, "the engine at \(name) speaks API \(server), older than the oldest supported (\(Self.minAPIVersion))",
                client: name)
        }
        return serverVersion < ours ? server : Self.maxAPIVersion
    }

    static func parseVersion(_ s: String) -> (Int, Int)? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 2, let major = parts[0], let minor = parts[1] else { return nil }
        return (major, minor)
    }

    // MARK: Requests

    /// Sends `request` and hands the open response to `handle`; the connection closes when `handle` returns.
    /// Replies with status 400 and above become `DMapError`s.
    public func perform<T: Sendable>(
        _ request: EngineRequest, _ handle: @Sendable (inout EngineResponse) async throws -> T
    ) async throws -> T {
        let version = request.versioned ? try await apiVersion() : nil
        return try await perform(request, apiVersion: version, handle)
    }

    private func perform<T: Sendable>(
        _ request: EngineRequest, apiVersion: String?, _ handle: @Sendable (inout EngineResponse) async throws -> T
    ) async throws -> T {
        let endpoint = self.endpoint
        let clientName = self.name
        let fail: @Sendable (Error) -> DMapError = { error in
            var e = EngineTransport.connectionError(error, endpoint: endpoint)
            e.client = clientName
            if e.kind == .timeout, e.object == nil { e.object = request.object }
            return e
        }
        let channel = try await transport.connect(timeout: request.timeout)
        do {
            return try await channel.executeThenClose { inbound, outbound in
                // An engine may answer (an error, say) and close before it has read the whole request: a failed
                // write is reported only if no answer comes.
                var writeError: Error?
                do {
                    try await self.send(request, target: request.target(apiVersion: apiVersion), on: outbound)
                } catch {
                    writeError = error
                }
                var parts = inbound.makeAsyncIterator()
                var head: HTTPResponseHead?
                while head == nil {
                    let part: HTTPClientResponsePart?
                    do {
                        part = try await parts.next()
                    } catch is SilenceTimeout {
                        // The silence timeout closed the connection, which is also why a write may have failed.
                        throw SilenceTimeout()
                    } catch {
                        throw writeError ?? error
                    }
                    guard let part else {
                        var closed = DMapError(
                            .connection, "the engine at \(clientName) closed the connection without answering")
                        closed.cause = writeError.map { "\($0)" }
                        throw closed
                    }
                    if case .head(let h) = part, h.status != .continue { head = h }
                }
                var response = EngineResponse(
                    status: Int(head!.status.code), headers: head!.headers, parts: parts, fail: fail)
                if response.status >= 400 {
                    throw try await self.errorFromResponse(&response, request: request)
                }
                return try await handle(&response)
            }
        } catch let error as DMapError {
            throw withDiagnostics(error)
        } catch {
            throw withDiagnostics(fail(error))
        }
    }

    private func withDiagnostics(_ error: DMapError) -> DMapError {
        var error = error
        if error.client == nil { error.client = name }
        if error.kind == .connection, let text = transport.lastDiagnostics(), !text.isEmpty,
            !error.message.contains(text)
        {
            error.message += " (\(text))"
        }
        return error
    }

    private func send(
        _ request: EngineRequest, target: String, on outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: transport.hostHeader)
        headers.add(name: "User-Agent", value: "dmap-lua/\(DMapVersion.current)")
        headers.add(name: "Connection", value: "close")
        for (name, value) in request.headers { headers.replaceOrAdd(name: name, value: value) }
        var body: ByteBuffer?
        switch request.body {
        case .none:
            if ["POST", "PUT"].contains(request.method) { headers.add(name: "Content-Length", value: "0") }
        case .bytes(let bytes):
            body = ByteBuffer(bytes: bytes)
        case .json(let value):
            body = ByteBuffer(bytes: value.encodeJSON())
            if !headers.contains(name: "Content-Type") { headers.add(name: "Content-Type", value: "application/json") }
        case .stream(let contentType, _):
            headers.replaceOrAdd(name: "Content-Type", value: contentType)
            headers.add(name: "Transfer-Encoding", value: "chunked")
        }
        if let body { headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes)) }
        let head = HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: target, headers: headers)
        try await outbound.write(.head(head))
        if let body { try await outbound.write(.body(.byteBuffer(body))) }
        if case .stream(_, let produce) = request.body {
            try await produce(EngineBodyWriter(writer: outbound))
        }
        try await outbound.write(.end(nil))
    }

    /// The error for a reply of 400 and above: the engine's `message`, classified by status.
    private func errorFromResponse(_ response: inout EngineResponse, request: EngineRequest) async throws -> DMapError {
        let body = (try? await response.collect(limit: 1 << 20)) ?? ByteBuffer()
        let data = Data(body.readableBytesView)
        var message = (try? Value.decodeJSON(data))?["message"]?.stringValue
            ?? String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if message.isEmpty { message = "HTTP \(response.status) from \(request.method) \(request.path)" }
        let kind: DMapError.Kind
        switch response.status {
        case 401: kind = .auth
        case 403:
            // 403 is also the engine's answer to refusals that have nothing to do with credentials
            // ("network has active endpoints").
            let lower = message.lowercased()
            kind = ["unauthorized", "authentication", "denied", "credentials"].contains { lower.contains($0) } ? .auth : .engine
        case 404: kind = .notFound
        case 409: kind = .conflict
        default:
            // A registry's refusal comes back as a 500 with the registry's words.
            kind = Self.looksLikeAuth(message) ? .auth : .engine
        }
        return DMapError(kind, message, status: response.status, object: request.object, client: name)
    }
}

/// The version of dmap-lua.
public enum DMapVersion {
    public static let current = "0.1.0"
}

enum NegotiationState {
    case idle
    case running([NegotiationWaiter])
    case done(String)
}

/// One caller waiting for a negotiation that another caller runs.
final class NegotiationWaiter: Sendable {
    private let state = NIOLockedValueBox<(CheckedContinuation<String, Error>?, Result<String, Error>?)>((nil, nil))

    func wait() async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLockedValue { s -> Result<String, Error>? in
                if let r = s.1 { return r }
                s.0 = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    func resume(_ result: Result<String, Error>) {
        let continuation = state.withLockedValue { s -> CheckedContinuation<String, Error>? in
            s.1 = result
            return s.0
        }
        continuation?.resume(with: result)
    }
}
