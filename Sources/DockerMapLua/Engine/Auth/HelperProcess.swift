import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a short-lived program with some bytes on stdin and collects stdout and stderr, with a deadline.
///
/// The program runs in a process group of its own, so that on timeout the whole group (e.g. a shell script and the
/// command it waits for) is killed. Its stdin is one end of a socket pair, written with `MSG_NOSIGNAL`/`SO_NOSIGPIPE`,
/// so a program that exits without reading cannot raise SIGPIPE in this process. Every descriptor is close-on-exec,
/// so no other child started meanwhile inherits them.
enum HelperProcess {
    struct Output {
        /// The exit status, or `128 + signal` when a signal ended it.
        var status: CInt
        var stdout: Data
        var stderr: Data
    }

    enum Failure: Error {
        case notStarted(CInt)
        case timedOut
        case outputTooLarge
    }

    /// The most that is read from each of stdout and stderr.
    static let outputLimit = 1 << 20

    /// The first executable regular file `name` in the `:`-separated directories of `path`, or `nil`.
    static func find(_ name: String, path: String?) -> String? {
        for dir in (path ?? "").split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = (String(dir) as NSString).appendingPathComponent(name)
            var st = stat()
            guard stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Runs `executable` (a full path) with `arguments`, writes `input` to its stdin, and waits at most `timeout`.
    static func run(
        _ executable: String, _ arguments: [String], input: Data, environment: [String: String], timeout: Duration
    ) throws(Failure) -> Output {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var stdinPair: [CInt] = [-1, -1]
        var outPipe: [CInt] = [-1, -1]
        var errPipe: [CInt] = [-1, -1]
        guard socketpair(AF_UNIX, streamSocket, 0, &stdinPair) == 0 else { throw .notStarted(errno) }
        guard pipe(&outPipe) == 0 else {
            let e = errno
            closeAll(stdinPair)
            throw .notStarted(e)
        }
        guard pipe(&errPipe) == 0 else {
            let e = errno
            closeAll(stdinPair + outPipe)
            throw .notStarted(e)
        }
        let ours = [stdinPair[0], outPipe[0], errPipe[0]]
        let theirs = [stdinPair[1], outPipe[1], errPipe[1]]
        for fd in ours + theirs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        for fd in ours { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        #if canImport(Darwin)
        var one: CInt = 1
        _ = setsockopt(stdinPair[0], SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<CInt>.size))
        #endif

        let pid: pid_t
        do {
            pid = try spawn(executable, arguments, environment: environment, stdio: theirs)
        } catch {
            closeAll(ours + theirs)
            throw error
        }
        closeAll(theirs)

        var collector = Collector(stdinFD: stdinPair[0], outFD: outPipe[0], errFD: errPipe[0], input: input)
        defer { collector.closeRemaining() }
        let finished = collector.pump(until: deadline, clock: clock)
        guard finished == .done else {
            killGroup(pid)
            throw finished == .tooLarge ? .outputTooLarge : .timedOut
        }
        // Output is closed; the program should be exiting now.
        var status: CInt = 0
        while true {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { break }
            if rc < 0 && errno != EINTR { break }
            if clock.now >= deadline {
                killGroup(pid)
                throw .timedOut
            }
            usleep(2_000)
        }
        let signal = status & 0x7f
        let code = signal == 0 ? (status >> 8) & 0xff : 128 + signal
        return Output(status: code, stdout: collector.stdout, stderr: collector.stderr)
    }

    /// `SOCK_STREAM` as `socketpair` takes it, and the `send` flags that keep a closed peer from raising SIGPIPE
    /// (Darwin uses `SO_NOSIGPIPE` on the socket instead).
    #if canImport(Darwin)
    private static let streamSocket = SOCK_STREAM
    static let noSignal: CInt = 0
    #else
    private static let streamSocket = CInt(SOCK_STREAM.rawValue)
    static let noSignal = CInt(MSG_NOSIGNAL)
    #endif

    private static func closeAll(_ fds: [CInt]) {
        for fd in fds where fd >= 0 { close(fd) }
    }

    /// Kills the program's process group (and the program itself, should the group not have been set) and reaps it.
    private static func killGroup(_ pid: pid_t) {
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        ChildProcess.reap(pid)
    }

    /// Starts the program in a new process group, with default signal handling and `stdio` as fds 0, 1, 2.
    private static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String], stdio: [CInt]
    ) throws(Failure) -> pid_t {
        let environment = environment.map { "\($0.key)=\($0.value)" }
        // A script written a moment ago may still be open for writing in a child another thread is forking.
        for _ in 0..<20 {
            do throws(ChildProcess.SpawnError) {
                // Nothing but stdio reaches the helper, not even descriptors that other code left inheritable.
                return try ChildProcess.spawn(
                    executable: executable, arguments: arguments, environment: environment,
                    stdio: stdio.map { .descriptor($0) }, defaultSignals: [SIGPIPE], newProcessGroup: true,
                    closeOtherDescriptors: true)
            } catch {
                guard error.code == ETXTBSY else { throw .notStarted(error.code) }
                usleep(10_000)
            }
        }
        throw .notStarted(ETXTBSY)
    }
}

/// Feeds stdin and drains stdout and stderr with `poll` until both outputs are closed.
private struct Collector {
    enum Outcome { case done, timedOut, tooLarge }

    var stdinFD: CInt
    var outFD: CInt
    var errFD: CInt
    var input: Data
    var stdout = Data()
    var stderr = Data()

    init(stdinFD: CInt, outFD: CInt, errFD: CInt, input: Data) {
        self.stdinFD = stdinFD
        self.outFD = outFD
        self.errFD = errFD
        self.input = input
        if input.isEmpty { closeInput() }
    }

    mutating func pump(until deadline: ContinuousClock.Instant, clock: ContinuousClock) -> Outcome {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while outFD >= 0 || errFD >= 0 {
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else { return .timedOut }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = CInt(min(seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1, 60_000))
            var fds: [pollfd] = []
            if stdinFD >= 0 { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
            if outFD >= 0 { fds.append(pollfd(fd: outFD, events: Int16(POLLIN), revents: 0)) }
            if errFD >= 0 { fds.append(pollfd(fd: errFD, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), milliseconds)
            if ready < 0 && errno != EINTR { return .timedOut }
            guard ready > 0 else { continue }
            for entry in fds where entry.revents != 0 {
                if entry.fd == stdinFD {
                    feed(entry.revents)
                } else if !drain(entry.fd, into: &buffer) {
                    return .tooLarge
                }
            }
        }
        return .done
    }

    /// Writes what stdin can take; a program that closed it simply does not get the rest.
    private mutating func feed(_ revents: Int16) {
        guard revents & Int16(POLLOUT) != 0 else { return closeInput() }
        let written = input.withUnsafeBytes { send(stdinFD, $0.baseAddress, $0.count, HelperProcess.noSignal) }
        if written > 0 {
            input.removeFirst(written)
            if input.isEmpty { closeInput() }
        } else if written < 0 && errno != EAGAIN && errno != EINTR {
            closeInput()
        }
    }

    /// Reads what `fd` has; closes it at end of file. `false` when the output exceeds the limit.
    private mutating func drain(_ fd: CInt, into buffer: inout [UInt8]) -> Bool {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
            if fd == outFD { stdout.append(contentsOf: buffer[..<count]) } else { stderr.append(contentsOf: buffer[..<count]) }
            return stdout.count <= HelperProcess.outputLimit && stderr.count <= HelperProcess.outputLimit
        }
        if count == 0 || (errno != EAGAIN && errno != EINTR) {
            close(fd)
            if fd == outFD { outFD = -1 } else { errFD = -1 }
        }
        return true
    }

    private mutating func closeInput() {
        if stdinFD >= 0 { close(stdinFD) }
        stdinFD = -1
    }

    mutating func closeRemaining() {
        closeInput()
        for fd in [outFD, errFD] where fd >= 0 { close(fd) }
        outFD = -1
        errFD = -1
    }
}
