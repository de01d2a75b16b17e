import Foundation
import NIOCore

/// A new file beside `destination` that becomes it by `rename` once complete (`commit()`), or is removed
/// (`discard()`): a failure half-way never leaves a truncated file under the destination's name, and an existing
/// file there stays untouched until the new one is complete. Used for saved build contexts and for images and
/// resources streamed from the engine.
///
/// Failures are `DMapError`s naming `destination`, as `cannot <action> '<destination>': <reason>`; `openKind` for
/// a file that cannot be created, `writeKind` for one that cannot be written.
///
/// Blocking; one thread at a time.
final class AtomicFile: @unchecked Sendable {
    /// Where the file goes.
    let destination: String
    private let action: String
    private let openKind: DMapError.Kind
    private let writeKind: DMapError.Kind
    /// The file being written: `.<name>.<random>.tmp` in the same directory.
    let temporary: String
    private(set) var descriptor: CInt
    private var finished = false

    /// Creates the temporary file (mode `0666` less the umask, as a plain `open` would give `destination`).
    init(
        destination: String, action: String = "write", openKind: DMapError.Kind = .usage,
        writeKind: DMapError.Kind = .engine
    ) throws {
        self.destination = destination
        self.action = action
        self.openKind = openKind
        self.writeKind = writeKind
        let slash = destination.lastIndex(of: "/")
        let directory = slash.map { String(destination[..<$0]) } ?? "."
        let name = slash.map { String(destination[destination.index(after: $0)...]) } ?? destination
        func refuse(_ reason: String) -> DMapError {
            DMapError(openKind, "cannot \(action) '\(destination)': \(reason)", object: destination)
        }
        guard !name.isEmpty, name != ".", name != ".." else { throw refuse("not a file name") }
        if let status = FileStatus.of(destination, follow: true), status.type == .directory {
            throw refuse("it is a directory")
        }
        var fd: CInt = -1
        var candidate = ""
        for _ in 0..<16 {
            let random = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            candidate = (directory.isEmpty ? "" : directory + "/") + ".\(name).\(random).tmp"
            fd = open(candidate, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw refuse(FileStatus.reason()) }
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
        DMapError(writeKind, "cannot \(action) '\(destination)': \(reason)", object: destination)
    }
}
