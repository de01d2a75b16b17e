import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Streaming replies: JSON-lines progress (build, pull, push) and raw bodies written to disk.
extension DockerClient {
    /// Sends `request` and hands each JSON message of the reply to `onMessage` as it arrives. Returns the first
    /// error the engine reported inside the (200) stream, if any; the stream is read to its end either way.
    public func streamMessages(
        _ request: EngineRequest, onMessage: @escaping @Sendable (Value) async throws -> Void
    ) async throws -> String? {
        try await perform(request) { response in
            var decoder = JSONLinesDecoder()
            var firstError: String?
            func handle(_ message: Value) async throws {
                if firstError == nil, let error = JSONLinesDecoder.error(in: message) { firstError = error }
                try await onMessage(message)
            }
            while let chunk = try await response.next() {
                for message in try decoder.feed(chunk) { try await handle(message) }
            }
            if let last = try decoder.finish() { try await handle(last) }
            return firstError
        }
    }

    /// Sends `request` and writes the reply body to `path`, streaming: the file appears under its name only when
    /// the whole body arrived; a failure half-way leaves no file (and an existing file untouched).
    /// Returns the number of bytes written.
    public func download(_ request: EngineRequest, to path: String) async throws -> Int64 {
        let file = try PartialFile(path: path)
        do {
            let written = try await perform(request) { response -> Int64 in
                // Gather the socket's small reads into writes of about 1 MiB: a tenth of the system calls.
                let batch = 1 << 20
                var pending = ByteBuffer()
                pending.reserveCapacity(batch)
                var total: Int64 = 0
                while var chunk = try await response.next() {
                    total += Int64(chunk.readableBytes)
                    pending.writeBuffer(&chunk)
                    if pending.readableBytes >= batch {
                        try file.write(pending)
                        pending.clear()
                    }
                }
                if pending.readableBytes > 0 { try file.write(pending) }
                return total
            }
            try file.commit()
            return written
        } catch {
            file.discard()
            throw error
        }
    }
}

/// A file written under a temporary name beside its destination and renamed into place when complete.
final class PartialFile: Sendable {
    let path: String
    let temporaryPath: String
    private let fd: CInt
    private let closed = NIOLockedValueBox(false)

    init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        temporaryPath = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).dmap-partial-\(UUID().uuidString.prefix(8))").path
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw DMapError(.usage, "cannot write \(path): \(String(cString: strerror(errno)))", object: path)
        }
    }

    func write(_ buffer: ByteBuffer) throws {
        try buffer.withUnsafeReadableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DMapError(.engine, "cannot write \(path): \(String(cString: strerror(errno)))", object: path)
                }
                offset += n
            }
        }
    }

    /// Closes the descriptor once, however often it is called.
    private func closeOnce() -> Bool {
        let first = closed.withLockedValue { wasClosed -> Bool in
            defer { wasClosed = true }
            return !wasClosed
        }
        return first ? close(fd) == 0 : true
    }

    func commit() throws {
        guard closeOnce(), rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw DMapError(.engine, "cannot write \(path): \(reason)", object: path)
        }
    }

    func discard() {
        _ = closeOnce()
        unlink(temporaryPath)
    }
}
