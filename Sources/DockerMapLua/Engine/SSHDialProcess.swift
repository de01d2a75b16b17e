import Foundation
import NIOConcurrencyHelpers

/// One `ssh … docker system dial-stdio` process: its stdout and stdin carry plain HTTP/1.1 to the remote engine.
///
/// Connections to one host share a single ssh connection through ssh's own `ControlMaster` multiplexing (it stays
/// up for 60 s after the last use), so only the first request pays for ssh's handshake. What ssh writes to stderr
/// is kept for error messages.
final class SSHDialProcess: Sendable {
    private let pid: pid_t
    /// Read end of ssh's stdout, and write end of its stdin: owned by the NIO channel once it exists.
    let readFD: CInt
    let writeFD: CInt
    private let stderrFile: String
    private let stderrText = NIOLockedValueBox<String?>(nil)

    private init(pid: pid_t, readFD: CInt, writeFD: CInt, stderrFile: String) {
        self.pid = pid
        self.readFD = readFD
        self.writeFD = writeFD
        self.stderrFile = stderrFile
    }

    /// The command line for `settings` (without secrets: ssh never gets passwords from us).
    static func arguments(_ s: SSHSettings) -> [String] {
        var args: [String] = []
        if let config = s.options.configFile { args += ["-F", config] }
        for option in s.options.options { args += ["-o", option] }
        if s.options.multiplex, let dir = controlDirectory() {
            args += ["-o", "ControlMaster=auto", "-o", "ControlPath=\(dir)/%C", "-o", "ControlPersist=60"]
        }
        if let user = s.user { args += ["-l", user] }
        if let port = s.port { args += ["-p", String(port)] }
        args += ["-o", "ConnectTimeout=30", "-T", s.host, "--", "docker"]
        if let socket = s.socket { args.append("--host=unix://\(socket)") }
        args += ["system", "dial-stdio"]
        return args
    }

    /// A private directory for ssh's control sockets (mode 0700), or `nil` if none can be made.
    private static func controlDirectory() -> String? {
        let base = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"] ?? NSTemporaryDirectory()
        let dir = (base as NSString).appendingPathComponent("dmap-lua-ssh-\(getuid())")
        if mkdir(dir, 0o700) != 0 && errno != EEXIST { return nil }
        var st = stat()
        guard stat(dir, &st) == 0, st.st_uid == getuid(), st.st_mode & 0o077 == 0 else { return nil }
        return dir
    }

    static func launch(_ settings: SSHSettings) throws -> SSHDialProcess {
        let name = EngineEndpoint.ssh(settings).displayName
        func failure(_ what: String) -> DMapError {
            DMapError(.connection, "cannot start ssh for \(name): \(what)", client: name)
        }
        var toChild: [CInt] = [-1, -1]
        var fromChild: [CInt] = [-1, -1]
        guard pipe(&toChild) == 0 else { throw failure(String(cString: strerror(errno))) }
        guard pipe(&fromChild) == 0 else {
            close(toChild[0]); close(toChild[1])
            throw failure(String(cString: strerror(errno)))
        }
        // Close-on-exec, so that no other child inherits them (dup2 in the child clears the flag on 0 and 1).
        for fd in toChild + fromChild { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let stderrFile = NSTemporaryDirectory() + "dmap-lua-ssh-\(UUID().uuidString).err"
        let pid: pid_t
        do throws(ChildProcess.SpawnError) {
            pid = try ChildProcess.spawn(
                executable: "ssh", arguments: arguments(settings), environment: nil,
                stdio: [
                    .descriptor(toChild[0]), .descriptor(fromChild[1]),
                    .file(stderrFile, flags: O_WRONLY | O_CREAT | O_TRUNC, mode: 0o600),
                ],
                searchPath: true)
        } catch {
            close(toChild[0]); close(fromChild[1])
            close(toChild[1]); close(fromChild[0])
            throw failure(String(cString: strerror(error.code)))
        }
        close(toChild[0])
        close(fromChild[1])
        return SSHDialProcess(pid: pid, readFD: fromChild[0], writeFD: toChild[1], stderrFile: stderrFile)
    }

    /// What ssh has said on stderr so far, trimmed.
    var diagnostics: String {
        if let kept = stderrText.withLockedValue({ $0 }) { return kept }
        let text = (try? String(contentsOfFile: stderrFile, encoding: .utf8)) ?? ""
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Called when the connection closed: ssh sees end of input and exits. Reaps it, and ends it if it lingers.
    func finish() {
        let text = diagnostics
        stderrText.withLockedValue { $0 = text }
        unlink(stderrFile)
        let pid = self.pid
        Self.reaper.async {
            var status: CInt = 0
            for _ in 0..<50 {
                if waitpid(pid, &status, WNOHANG) != 0 { return }
                usleep(100_000)
            }
            kill(pid, SIGTERM)
            waitpid(pid, &status, 0)
        }
    }

    /// Waits for ended ssh processes; a serial queue of its own, so it never competes with Swift's pool.
    private static let reaper = DispatchQueue(label: "dmap-lua.ssh-reaper")

    /// Called when NIO never took the descriptors.
    func abandon() {
        close(readFD)
        close(writeFD)
        finish()
    }
}
