import Foundation
import NIOCore
import NIOPosix

/// Writes a tar archive as a stream of `ByteBuffer`s handed to an async sink, without holding whole files in
/// memory.
///
/// Small pieces (headers, small files, padding) are gathered and handed over together; file contents are read with
/// POSIX `read` in chunks (off the caller's thread, on NIO's blocking-I/O pool), so no buffer given to the sink is
/// larger than `chunkSize` plus one header. The sink applies back-pressure simply by not returning.
public struct TarWriter {
    /// Receives the archive, piece by piece, in order.
    public typealias Sink = (ByteBuffer) async throws -> Void

    /// 1 MiB.
    public static let defaultChunkSize = 1 << 20

    /// The size at which gathered bytes are handed to the sink, and the largest read from a file.
    public let chunkSize: Int
    /// Bytes handed to the sink so far.
    public private(set) var bytesWritten: Int64 = 0
    private let sink: Sink
    private var pending = ByteBuffer()

    public init(chunkSize: Int = TarWriter.defaultChunkSize, sink: @escaping Sink) {
        self.chunkSize = max(TarFormat.blockSize, chunkSize)
        self.sink = sink
    }

    /// Writes a member without contents: a directory, a symlink or an empty file.
    public mutating func write(_ entry: TarEntry) async throws {
        guard entry.size == 0 else {
            throw DMapError(.usage, "tar entry '\(entry.name)' has \(entry.size) bytes but no contents were given")
        }
        try await append(TarFormat.header(for: entry))
    }

    /// Writes a file held in memory; its size is that of `contents`.
    public mutating func write(_ entry: TarEntry, contents: ByteBuffer) async throws {
        var entry = entry
        entry.kind = .file(size: Int64(contents.readableBytes))
        try await append(TarFormat.header(for: entry))
        try await append(contents)
        try await append(TarFormat.padding(forSize: entry.size))
    }

    /// Writes the regular file at `path`, read in chunks as it is written. The size comes from the open file, so a
    /// file that changed since it was listed is still archived consistently; one that shrinks while it is read is
    /// an error. Failures are `DMapError(.build)` naming `entry.name` and `path`.
    public mutating func writeFile(_ entry: TarEntry, from path: String) async throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            throw DMapError(.build, "cannot read '\(entry.name)' (\(path)): \(FileStatus.reason())", object: entry.name)
        }
        defer { close(fd) }
        guard let status = FileStatus.of(descriptor: fd), status.type == .regular else {
            throw DMapError(.build, "'\(entry.name)' (\(path)) is not a regular file", object: entry.name)
        }
        var entry = entry
        entry.kind = .file(size: status.size)
        try await append(TarFormat.header(for: entry))
        var remaining = status.size
        while remaining > 0 {
            if pending.readableBytes >= chunkSize { try await flush() }
            let want = Int(min(remaining, Int64(chunkSize - pending.readableBytes)))
            let chunk = try await NIOThreadPool.singleton.runIfActive { try Self.read(fd, count: want) }
            guard chunk.readableBytes > 0 else {
                throw DMapError(
                    .build, "'\(entry.name)' (\(path)) shrank while the build context was being sent",
                    object: entry.name)
            }
            remaining -= Int64(chunk.readableBytes)
            try await append(chunk)
        }
        try await append(TarFormat.padding(forSize: entry.size))
    }

    /// Writes the two zero blocks that end the archive and hands over everything still gathered.
    public mutating func finish() async throws {
        try await append(TarFormat.end)
        try await flush()
    }

    // MARK: - Output

    private mutating func append(_ bytes: ByteBuffer) async throws {
        if pending.readableBytes == 0 {
            pending = bytes
        } else {
            pending.writeImmutableBuffer(bytes)
        }
        if pending.readableBytes >= chunkSize { try await flush() }
    }

    private mutating func flush() async throws {
        guard pending.readableBytes > 0 else { return }
        let out = pending
        pending = ByteBuffer()
        bytesWritten += Int64(out.readableBytes)
        try await sink(out)
    }

    /// Reads up to `count` bytes (fewer only at the end of the file). Blocking: runs on the I/O thread pool.
    private static func read(_ fd: CInt, count: Int) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
            var got = 0
            while got < count {
                let n = Foundation.read(fd, raw.baseAddress! + got, count - got)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DMapError(.build, "read failed: \(FileStatus.reason())")
                }
                if n == 0 { break }
                got += n
            }
            return got
        }
        return buffer
    }
}
