import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An HTTP/1.1 connection to an engine, as NIO's async channel of response parts in and request parts out.
typealias EngineChannel = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

/// Opens connections to one engine: a unix socket, TCP (optionally TLS) or an `ssh … dial-stdio` pipe.
///
/// Each connection carries a silence timeout: when neither side sends anything for `timeout`, the connection fails
/// with a `timeout` error. Creating a transport loads TLS material once.
final class EngineTransport: Sendable {
    let endpoint: EngineEndpoint
    let timeout: TimeAmount
    private let sslContext: NIOSSLContext?
    private let lastSSH = NIOLockedValueBox<SSHDialProcess?>(nil)

    init(endpoint: EngineEndpoint, timeout: TimeAmount) throws {
        self.endpoint = endpoint
        self.timeout = timeout
        if case .tcp(_, _, let tls?) = endpoint {
            self.sslContext = try Self.makeSSLContext(tls, endpoint: endpoint)
        } else {
            self.sslContext = nil
        }
    }

    private static func makeSSLContext(_ tls: TLSSettings, endpoint: EngineEndpoint) throws -> NIOSSLContext {
        do {
            var config = TLSConfiguration.makeClientConfiguration()
            config.minimumTLSVersion = .tlsv12
            config.certificateVerification = tls.verify ? .fullVerification : .none
            if let ca = tls.caCert {
                config.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
            }
            if let cert = tls.clientCert {
                config.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
            }
            if let key = tls.clientKey {
                config.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            }
            return try NIOSSLContext(configuration: config)
        } catch {
            throw DMapError(
                .config, "cannot load TLS files for \(endpoint.displayName): \(error)", client: endpoint.displayName)
        }
    }

    /// The `Host` header: the engine rejects requests without one, even over a unix socket.
    var hostHeader: String {
        if case .tcp(let host, let port, _) = endpoint { return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
        return "api.moby.localhost"
    }

    /// What the transport itself said about the last connection (ssh's stderr), for error messages.
    func lastDiagnostics() -> String? {
        lastSSH.withLockedValue { $0 }?.diagnostics
    }

    /// Opens a new connection ready for HTTP/1.1; `timeout` overrides the transport's silence timeout.
    func connect(timeout: TimeAmount? = nil) async throws -> EngineChannel {
        let group = MultiThreadedEventLoopGroup.singleton
        let timeout = timeout ?? self.timeout
        let sslContext = self.sslContext
        do {
            switch endpoint {
            case .unix(let path):
                return try await ClientBootstrap(group: group)
                    .connectTimeout(timeout)
                    .connect(unixDomainSocketPath: path) { channel in
                        Self.initialize(channel, timeout: timeout)
                    }
            case .tcp(let host, let port, _):
                return try await ClientBootstrap(group: group)
                    .connectTimeout(timeout)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .connect(host: host, port: port) { channel in
                        channel.eventLoop.makeCompletedFuture {
                            if let sslContext {
                                let serverName = Self.isIPAddress(host) ? nil : host
                                let ssl = try NIOSSLClientHandler(context: sslContext, serverHostname: serverName)
                                try channel.pipeline.syncOperations.addHandler(ssl)
                            }
                        }.flatMap { Self.initialize(channel, timeout: timeout) }
                    }
            case .ssh(let settings):
                let process = try SSHDialProcess.launch(settings)
                lastSSH.withLockedValue { $0 = process }
                do {
                    return try await NIOPipeBootstrap(group: group)
                        .takingOwnershipOfDescriptors(input: process.readFD, output: process.writeFD) { channel in
                            channel.closeFuture.whenComplete { _ in process.finish() }
                            return Self.initialize(channel, timeout: timeout)
                        }
                } catch {
                    process.abandon()
                    throw error
                }
            }
        } catch let error as DMapError {
            throw error
        } catch {
            throw EngineTransport.connectionError(error, endpoint: endpoint)
        }
    }

    /// Adds the silence timeout and the HTTP/1.1 codec, and wraps the channel for async use.
    private static func initialize(_ channel: Channel, timeout: TimeAmount) -> EventLoopFuture<EngineChannel> {
        channel.eventLoop.makeCompletedFuture {
            let sync = channel.pipeline.syncOperations
            try sync.addHandler(IdleStateHandler(allTimeout: timeout))
            try sync.addHandler(SilenceTimeoutHandler(timeout: timeout))
            try sync.addHTTPClientHandlers()
            return try EngineChannel(wrappingChannelSynchronously: channel)
        }
    }

    private static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    /// Turns a transport failure into a `connection` (or `timeout`) error naming the address.
    static func connectionError(_ error: Error, endpoint: EngineEndpoint) -> DMapError {
        if let e = error as? DMapError { return e }
        let name = endpoint.displayName
        if error is SilenceTimeout {
            return DMapError(.timeout, "the engine at \(name) did not answer in time", client: name)
        }
        if let c = error as? ChannelError, case .connectTimeout = c {
            return DMapError(.timeout, "connecting to the engine at \(name) timed out", client: name)
        }
        if error is HTTPParserError {
            return DMapError(
                .connection, "the engine at \(name) did not answer in HTTP (\(error)); is this a Docker engine?",
                client: name)
        }
        if let ssl = error as? NIOSSLError {
            return DMapError(.connection, "TLS with the engine at \(name) failed: \(ssl)", client: name)
        }
        return DMapError(
            .connection, "cannot connect to the engine at \(name): \(Self.describe(error))", client: name)
    }

    static func describe(_ error: Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        if let c = error as? NIOConnectionError, let first = c.connectionErrors.first {
            return describe(first.error)
        }
        return "\(error)"
    }
}

/// The error a connection fails with after `timeout` of silence.
struct SilenceTimeout: Error {}

/// Turns the idle event of `IdleStateHandler` into a `SilenceTimeout` error and closes the connection.
///
/// The timer counts the engine's silence, so it is armed by our first write (the request): a caller that is slow to
/// send, because its own threads are busy, is not an engine that fails to answer.
final class SilenceTimeoutHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData
    let timeout: TimeAmount
    // Only touched on the channel's event loop.
    private var armed = false

    init(timeout: TimeAmount) { self.timeout = timeout }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        armed = true
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            guard armed else { return }
            context.fireErrorCaught(SilenceTimeout())
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
