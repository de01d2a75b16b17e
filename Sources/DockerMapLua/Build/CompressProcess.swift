import Foundation
import NIOConcurrencyHelpers

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `gzip`/`bzip2`/`xz` child process working as a filter between two descriptors, started with `posix_spawn`
/// (never through a shell).
///
/// The child gets `stdin` and `stdout` as its fds 0 and 1, and a pipe as fd 2 whose text explains a failure; it
/// inherits nothing else (every descriptor here is close-on-exec, and on glibc 2.34+ all fds from 3 up are closed in
/// the child as well). It runs with a fixed environment (`PATH`, `LC_ALL=C`), so that `GZIP`/`BZIP2` variables
/// cannot change its options, and with default signal handling. It is always reaped: by `wait()`, by `terminate()`, or
/// at the latest when the object goes away.
final class CompressProcess: @unchecked Sendable {
    /// The format, hence the program.
    let format: CompressionFormat
    /// The child's process id.
    let pid: pid_t
    private var errorFD: CInt
    /// `nil` while the child is not reaped; then `.some(nil)` for success, or why it failed.
    private var outcome: String??

    private init(format: CompressionFormat, pid: pid_t, errorFD: CInt) {
        self.format = format
        self.pid = pid
        self.errorFD = errorFD
    }

    deinit { terminate() }

    /// Starts `format`'s program compressing (or, with `decompress`, decompressing) from `stdin` to `stdout`. The
    /// caller keeps its own copies of both descriptors and closes them when it likes.
    ///
    /// - Throws: `DMapError(kind)` when the program is not installed or cannot be started.
    static func start(
        _ format: CompressionFormat, decompress: Bool, stdin: CInt, stdout: CInt, errorKind: DMapError.Kind = .build
    ) throws -> CompressProcess {
        guard let executable = locate(format.program) else {
            throw DMapError(
                errorKind,
                "cannot \(decompress ? "decompress" : "compress") \(format.encodingName): "
                    + "the '\(format.program)' program is not installed")
        }
        var errPipe: [CInt] = [-1, -1]
        guard makePipe(&errPipe) else {
            throw DMapError(errorKind, "cannot start \(format.program): \(FileStatus.reason())")
        }
        let arguments = decompress ? format.decompressArguments : format.compressArguments
        let pid: pid_t
        do throws(ChildProcess.SpawnError) {
            pid = try spawn(executable, arguments, stdio: [stdin, stdout, errPipe[1]])
        } catch {
            close(errPipe[1])
            close(errPipe[0])
            throw DMapError(errorKind, "cannot start \(executable): \(FileStatus.reason(error.code))")
        }
        close(errPipe[1])
        spawnLog?.record(pid)
        return CompressProcess(format: format, pid: pid, errorFD: errPipe[0])
    }

    /// For tests: while set, the ids of the children started in this task and its child tasks are recorded.
    @TaskLocal static var spawnLog: CompressSpawnLog?

    /// Waits for the child to end (it should be ending: its input is closed or its output is all read). Returns
    /// `nil` when it succeeded, else why not: its exit status or the signal that killed it, with what it printed.
    /// After `terminate()`, that it was stopped.
    func wait() -> String? {
        if let outcome { return outcome }
        let status = ChildProcess.reap(pid)
        let message = readErrors()
        let result = Self.describe(status, format: format, message: message)
        outcome = .some(result)
        return result
    }

    /// Kills the child, if not reaped yet, and reaps it. Not to be called while another thread is in `wait()`.
    func terminate() {
        guard outcome == nil else { return }
        _ = kill(pid, SIGKILL)
        ChildProcess.reap(pid)
        outcome = .some("\(format.program) was stopped")
        closeErrors()
    }

    /// `nil` for success, else what went wrong, from a `waitpid` status (`nil`: it could not be waited for).
    private static func describe(_ status: CInt?, format: CompressionFormat, message: String) -> String? {
        let program = format.program
        let detail = message.isEmpty ? "" : ": \(message)"
        guard let status else { return "\(program) could not be waited for: \(FileStatus.reason())" }
        let signal = status & 0x7f
        if signal != 0 { return "\(program) was killed by signal \(signal)\(detail)" }
        let code = (status >> 8) & 0xff
        return format.succeeded(exitCode: code) ? nil : "\(program) failed (exit status \(code))\(detail)"
    }

    /// What the child wrote to stderr (at most 4 KiB), on one line.
    private func readErrors() -> String {
        defer { closeErrors() }
        guard errorFD >= 0 else { return "" }
        _ = fcntl(errorFD, F_SETFL, fcntl(errorFD, F_GETFL) | O_NONBLOCK)
        var bytes = [UInt8](repeating: 0, count: 4096)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(errorFD, $0.baseAddress! + count, $0.count - count) }
            if n > 0 {
                count += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        return String(decoding: bytes[..<count], as: UTF8.self)
            .split(whereSeparator: \.isNewline).joined(separator: "; ")
    }

    private func closeErrors() {
        if errorFD >= 0 { close(errorFD) }
        errorFD = -1
    }

    // MARK: - Spawning

    /// A pipe whose two ends are close-on-exec. (Not atomically: a child another thread forks at that instant
    /// could inherit them; children started here close every fd above 2 anyway, on glibc 2.34+.)
    static func makePipe(_ fds: inout [CInt]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// The first executable regular file `name` on the `PATH`, then in `/usr/bin` and `/bin`.
    static func locate(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/bin"
        for dir in path.split(separator: ":", omittingEmptySubsequences: true) where dir.hasPrefix("/") {
            let candidate = "\(dir)/\(name)"
            if let status = FileStatus.of(candidate, follow: true), status.type == .regular,
                access(candidate, X_OK) == 0
            {
                return candidate
            }
        }
        return nil
    }

    /// Starts `executable` with `stdio` as its fds 0, 1 and 2, default signal handling and an empty signal mask.
    private static func spawn(
        _ executable: String, _ arguments: [String], stdio: [CInt]
    ) throws(ChildProcess.SpawnError) -> pid_t {
        try ChildProcess.spawn(
            executable: executable, arguments: arguments, environment: ["PATH=/usr/bin:/bin", "LC_ALL=C"],
            stdio: stdio.map { .descriptor($0) }, defaultSignals: [SIGPIPE, SIGINT, SIGTERM],
            closeOtherDescriptors: true)
    }
}

/// The process ids of the compressors started while it was `CompressProcess.spawnLog`.
final class CompressSpawnLog: Sendable {
    private let pids = NIOLockedValueBox<[pid_t]>([])

    init() {}

    func record(_ pid: pid_t) { pids.withLockedValue { $0.append(pid) } }

    /// The ids recorded so far.
    var started: [pid_t] { pids.withLockedValue { $0 } }
}
