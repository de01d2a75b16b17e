import Foundation
import NIOCore

/// A new file beside `destination` that becomes it by `rename` once complete (`commit()`), or is removed
/// (`discard()`). Failures are `DMapError(.build)` naming `destination`.
///
/// Blocking; one thread at a time.
final class ContextArchiveFile: @unchecked Sendable {
    /// Where the file goes.
    let destination: String
    /// The file being written: `.<name>.<random>.tmp` in the same directory.
    let temporary: String
    private(set) var descriptor: CInt
    private var finished = false

    /// Creates the temporary file (mode `0666` less the umask, as a plain `open` would give `destination`).
    init(destination: String) throws {
        self.destination = destination
        let slash = destination.lastIndex(of: "/")
        let directory = slash.map { String(destination[..<$0]) } ?? "."
        let name = slash.map { String(destination[destination.index(after: $0)...]) } ?? destination
        guard !name.isEmpty, name != ".", name != ".." else {
            throw DMapError(
                .build, "cannot save the build context to '\(destination)': not a file name", object: destination)
        }
        if let status = FileStatus.of(destination, follow: true), status.type == .directory {
            throw DMapError(
                .build, "cannot save the build context to '\(destination)': it is a directory", object: destination)
        }
        var fd: CInt = -1
        var candidate = ""
        for _ in 0..<16 {
            let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            candidate = (directory.isEmpty ? "" : directory + "/") + ".\(name).\(random).tmp"
            fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else {
            throw DMapError(
                .build, "cannot save the build context to '\(destination)': \(FileStatus.reason())",
                object: destination)
        }
        temporary = candidate
        descriptor = fd
    }

    deinit { discard() }

    /// Appends `bytes`.
    func write(_ bytes: ByteBuffer) throws {
        let fd = descriptor
        try bytes.withUnsafeReadableBytes { raw in
            var written = 0
            while written < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure()
                }
                written += n
            }
        }
    }

    /// Closes the file and renames it to `destination`.
    func commit() throws {
        guard descriptor >= 0, !finished else { throw failure("the file was already closed") }
        let rc = close(descriptor)
        descriptor = -1
        guard rc == 0 else { throw failure() }
        guard rename(temporary, destination) == 0 else { throw failure() }
        finished = true
    }

    /// Closes and removes the file, unless committed.
    func discard() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        if !finished { unlink(temporary) }
        finished = true
    }

    private func failure(_ reason: String = FileStatus.reason()) -> DMapError {
        DMapError(.build, "cannot save the build context to '\(destination)': \(reason)", object: destination)
    }
}
