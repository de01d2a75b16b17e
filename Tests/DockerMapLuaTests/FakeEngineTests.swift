import Foundation
import NIOCore
import NIOPosix
import Testing
@testable import DockerMapLua

/// A stand-in engine for what a real one cannot do on demand: replies cut off mid-stream, silence, hang-ups.
/// It answers every request on its unix socket with the same raw bytes, then closes or stays silent.
final class FakeEngine: Sendable {
    let path: String
    let channel: Channel

    init(reply: [UInt8], thenClose: Bool) async throws {
        path = NSTemporaryDirectory() + "dmap-fake-\(UUID().uuidString.prefix(8)).sock"
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(Responder(reply: reply, thenClose: thenClose))
                }
            }
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
    }

    var url: String { "unix://\(path)" }

    func stop() async throws {
        try await channel.close()
        unlink(path)
    }

    /// Answers once the whole request (headers and a `Content-Length` body) has arrived, as a real engine reads
    /// it: closing with part of the request unread would reset the connection and lose the reply.
    final class Responder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let reply: [UInt8]
        let thenClose: Bool
        // Only touched on the channel's event loop.
        private var received = ""
        private var answered = false

        init(reply: [UInt8], thenClose: Bool) {
            self.reply = reply
            self.thenClose = thenClose
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received += String(buffer: Self.unwrapInboundIn(data))
            guard !answered, let end = received.range(of: "\r\n\r\n") else { return }
            let head = received[..<end.lowerBound].lowercased()
            let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            guard received[end.upperBound...].utf8.count >= length else { return }
            answered = true
            let channel = context.channel
            let thenClose = self.thenClose
            context.writeAndFlush(NIOAny(ByteBuffer(bytes: reply))).whenComplete { _ in
                if thenClose { channel.close(promise: nil) }
            }
        }
    }
}

@Suite("Engine client against a fake engine")
struct FakeEngineTests {
    func client(_ engine: FakeEngine, timeout: Double = 5) throws -> DockerClient {
        try DockerClient(.init(baseURL: engine.url, version: "1.41", timeout: timeout))
    }

    @Test("A multiplexed stream cut off in the middle of a frame is an error, not short output")
    func cutOffFrame() async throws {
        var reply = Array("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n\r\n".utf8)
        reply += StreamDecoderTests.frame(1, "complete\n")
        reply += [1, 0, 0, 0, 0, 0, 0, 100] + Array("only part".utf8)
        let engine = try await FakeEngine(reply: reply, thenClose: true)
        let docker = try client(engine)
        await #expect {
            try await docker.execStart("abc")
        } throws: { error in
            let e = error as? DMapError
            return e?.kind == .connection && e?.message.contains("cut off") == true
        }
        try await engine.stop()
    }

    @Test("An engine that answers nothing times out with kind timeout, after the client's timeout")
    func silence() async throws {
        let engine = try await FakeEngine(reply: [], thenClose: false)
        let docker = try client(engine, timeout: 0.5)
        // Timed on the executor the runtime uses for engine work: Swift's global pool may be held by other tests
        // (blocked on real builds), which would time the test's own scheduling instead of the client.
        let (outcome, elapsed) = await withTaskExecutorPreference(EngineTaskExecutor.shared) {
            let start = ContinuousClock.now
            let outcome: Result<Value, Error>
            do { outcome = .success(try await docker.version()) } catch { outcome = .failure(error) }
            return (outcome, ContinuousClock.now - start)
        }
        let error = try #require(throws: DMapError.self) { try outcome.get() }
        #expect(error.kind == .timeout && error.client == engine.url)
        // The default timeout is 60 s: well under half of that shows the client's 0.5 s applied, with room for a
        // machine that runs the whole suite on two cores (6.4 s has been seen there).
        #expect(elapsed < .seconds(30))
        try await engine.stop()
    }

    @Test("A stream that stalls half-way times out on silence")
    func stalledStream() async throws {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n"
        let engine = try await FakeEngine(reply: Array(head.utf8), thenClose: false)
        let docker = try client(engine, timeout: 0.5)
        await #expect {
            try await docker.info()
        } throws: { error in (error as? DMapError)?.kind == .timeout }
        try await engine.stop()
    }

    @Test("An engine that hangs up without answering is a connection error")
    func hangUp() async throws {
        let engine = try await FakeEngine(reply: [], thenClose: true)
        let docker = try client(engine)
        await #expect {
            try await docker.version()
        } throws: { error in
            let e = error as? DMapError
            return e?.kind == .connection && e?.message.contains("without answering") == true
        }
        try await engine.stop()
    }

    @Test("A socket nobody listens on is a connection error naming the address")
    func nobodyThere() async throws {
        let path = NSTemporaryDirectory() + "dmap-none-\(UUID().uuidString.prefix(8)).sock"
        let docker = try DockerClient(.init(baseURL: "unix://" + path))
        await #expect {
            try await docker.version()
        } throws: { error in
            let e = error as? DMapError
            return e?.kind == .connection && e?.message.contains(path) == true && e?.client == "unix://" + path
        }
    }

    @Test("A download cut off half-way leaves no file, and an earlier file of that name untouched")
    func cutOffDownload() async throws {
        let reply = Array("HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nContent-Length: 100000\r\n\r\n".utf8)
            + Array(repeating: UInt8(ascii: "x"), count: 40_000)
        let engine = try await FakeEngine(reply: reply, thenClose: true)
        let docker = try client(engine)
        let dir = NSTemporaryDirectory() + "dmap-cut-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "previous".write(toFile: dir + "/image.tar", atomically: true, encoding: .utf8)
        await #expect(throws: DMapError.self) {
            try await docker.saveImage("busybox:latest", to: dir + "/image.tar")
        }
        await #expect(throws: DMapError.self) {
            try await docker.saveImage("busybox:latest", to: dir + "/new.tar")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["image.tar"])
        #expect(try String(contentsOfFile: dir + "/image.tar", encoding: .utf8) == "previous")
        try await engine.stop()
    }

    @Test("Error statuses map to kinds with the engine's message")
    func statuses() async throws {
        let cases: [(Int, String, DMapError.Kind)] = [
            (404, "status 404", .notFound), (409, "status 409", .conflict), (401, "status 401", .auth),
            (500, "status 500", .engine), (400, "status 400", .engine),
            (403, "error while removing network: network n1 id 12 has active endpoints", .engine),
            (403, "unauthorized: access denied", .auth),
        ]
        for (status, text, kind) in cases {
            let body = "{\"message\":\"\(text)\"}"
            let reply = "HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            let engine = try await FakeEngine(reply: Array(reply.utf8), thenClose: true)
            let docker = try client(engine)
            await #expect {
                try await docker.inspectContainer("web")
            } throws: { error in
                let e = error as? DMapError
                return e?.kind == kind && e?.status == status && e?.message == text && e?.object == "web"
            }
            try await engine.stop()
        }
    }
}
