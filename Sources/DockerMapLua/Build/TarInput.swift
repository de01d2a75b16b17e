import Foundation
import NIOCore

/// The bytes of a tar archive file, read ahead in blocks; decompressed on the fly by a child `gzip -dc`,
/// `bzip2 -dc` or `xz -dc` when the file starts with their magic bytes.
///
/// Blocking: use it from one thread at a time, off the cooperative pool (`NIOThreadPool`) when in async code.
/// Every failure is a `DMapError(.config)` naming the archive.
final class TarInput {
    /// The archive file, as the caller named it.
    let path: String
    /// The compression found by the magic bytes.
    let compression: CompressionFormat?
    /// What is read: the file itself, or the decompressor's output.
    private var fd: CInt
    private var process: CompressProcess?
    private var buffered = ByteBuffer()
    private var atEnd = false
    /// Bytes of the (decompressed) archive consumed so far.
    private(set) var offset: Int64 = 0

    /// How much is read from the file or the pipe at once.
    static let readSize = 256 << 10

    /// Opens `path`; starts a decompressor when it is compressed.
    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw DMapError(.config, "cannot open archive '\(path)': \(FileStatus.reason())", object: path)
        }
        guard let status = FileStatus.of(descriptor: fd) else {
            let reason = FileStatus.reason()
            close(fd)
            throw DMapError(.config, "cannot open archive '\(path)': \(reason)", object: path)
        }
        guard status.type == .regular else {
            close(fd)
            let what = status.type == .directory ? "a directory" : "not a regular file"
            throw DMapError(.config, "archive '\(path)' is \(what)", object: path)
        }
        var magic = [UInt8](repeating: 0, count: 6)
        let got = magic.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard got >= 0 else {
            let reason = FileStatus.reason()
            close(fd)
            throw DMapError(.config, "cannot read archive '\(path)': \(reason)", object: path)
        }
        guard got > 0 else {
            close(fd)
            throw DMapError(.config, "'\(path)' is not a tar archive: the file is empty", object: path)
        }
        compression = CompressionFormat.detect(magic[..<got])
        guard let compression else {
            self.fd = fd
            return
        }
        var pipe: [CInt] = [-1, -1]
        guard CompressProcess.makePipe(&pipe) else {
            let reason = FileStatus.reason()
            close(fd)
            throw DMapError(.config, "cannot read archive '\(path)': \(reason)", object: path)
        }
        do {
            process = try CompressProcess.start(
                compression, decompress: true, stdin: fd, stdout: pipe[1], errorKind: .config)
        } catch {
            close(fd)
            close(pipe[0])
            close(pipe[1])
            throw error
        }
        close(fd)
        close(pipe[1])
        self.fd = pipe[0]
    }

    deinit { abandon() }

    /// Up to `count` bytes (fewer only at the end of the stream; empty there).
    func read(upTo count: Int) throws -> ByteBuffer {
        if buffered.readableBytes == 0 { try refill() }
        return buffered.readSlice(length: min(count, buffered.readableBytes)).map { consumed($0) } ?? ByteBuffer()
    }

    /// `count` bytes as an array; fewer only at the end of the stream.
    func readBytes(_ count: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            if buffered.readableBytes == 0 { try refill() }
            guard buffered.readableBytes > 0 else { break }
            let take = min(count - bytes.count, buffered.readableBytes)
            bytes += buffered.readBytes(length: take)!
            offset += Int64(take)
        }
        return bytes
    }

    /// Skips `count` bytes: seeking in a plain file, reading through a decompressed stream.
    func skip(_ count: Int64, what: String) throws {
        var rest = count
        let inBuffer = Int(min(rest, Int64(buffered.readableBytes)))
        buffered.moveReaderIndex(forwardBy: inBuffer)
        offset += Int64(inBuffer)
        rest -= Int64(inBuffer)
        guard rest > 0 else { return }
        if process == nil {
            let size = FileStatus.of(descriptor: fd)?.size ?? 0
            guard offset + rest <= size else { throw truncated(what) }
            guard lseek(fd, off_t(offset + rest), SEEK_SET) >= 0 else { throw failure("cannot seek in") }
            offset += rest
            return
        }
        while rest > 0 {
            try refill()
            guard buffered.readableBytes > 0 else { throw truncated(what) }
            let take = Int(min(rest, Int64(buffered.readableBytes)))
            buffered.moveReaderIndex(forwardBy: take)
            offset += Int64(take)
            rest -= Int64(take)
        }
    }

    /// Ends reading after the end of the archive: reads through whatever follows (so that the decompressor checks
    /// its trailer), then closes, and reports a decompressor that failed.
    func finish() throws {
        if process != nil {
            buffered.clear()
            while !atEnd { try refill() }
        }
        closeInput()
        if let process {
            self.process = nil
            if let problem = process.wait() { throw failure(problem) }
        }
    }

    /// Stops reading at once: closes, kills the decompressor if any, and reaps it.
    func abandon() {
        closeInput()
        process?.terminate()
        process = nil
    }

    /// An error naming the archive.
    func failure(_ detail: String) -> DMapError {
        DMapError(.config, "cannot read archive '\(path)': \(detail)", object: path)
    }

    // MARK: - Reading

    private func consumed(_ slice: ByteBuffer) -> ByteBuffer {
        offset += Int64(slice.readableBytes)
        return slice
    }

    /// Reads the next block of the stream into `buffered` (which must be empty); at the end sets `atEnd`.
    private func refill() throws {
        guard !atEnd, fd >= 0 else { return }
        var chunk = ByteBufferAllocator().buffer(capacity: Self.readSize)
        let fd = self.fd
        let count = try chunk.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.readSize) { raw -> Int in
            while true {
                let n = Foundation.read(fd, raw.baseAddress!, Self.readSize)
                if n >= 0 { return n }
                if errno != EINTR { throw failure(FileStatus.reason()) }
            }
        }
        if count == 0 { atEnd = true }
        buffered = chunk
    }

    /// The error for a stream that ends in the middle of `what`: the decompressor's failure, if it failed (a
    /// truncated or damaged compressed file), else `orElse` or a plain "it ends in the middle of…".
    func truncated(_ what: String, orElse other: DMapError? = nil) -> DMapError {
        if let process {
            self.process = nil
            closeInput()
            if let problem = process.wait() { return failure(problem) }
        }
        return other ?? failure("it ends in the middle of \(what)")
    }

    private func closeInput() {
        if fd >= 0 { close(fd) }
        fd = -1
        atEnd = true
    }
}
