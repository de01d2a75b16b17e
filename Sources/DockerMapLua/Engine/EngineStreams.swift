import Foundation
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
        let file = try AtomicFile(destination: path)
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
