import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `posix_spawn` mechanics shared by the programs this module starts (ssh, credential helpers, compressors):
/// stdio set-up, signal defaults, process groups, argument and environment strings, and reaping.
enum ChildProcess {
    /// What one of the child's fds 0, 1 and 2 becomes.
    enum Stdio {
        /// A copy of this descriptor (`dup2`).
        case descriptor(CInt)
        /// This file, opened in the child with `flags` and, when created, `mode`.
        case file(String, flags: CInt, mode: mode_t)
    }

    /// `posix_spawn` failed with this `errno` value.
    struct SpawnError: Error {
        let code: CInt
    }

    #if os(Linux)
    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), looked up at run time so that older
    /// systems still work (they then rely on close-on-exec alone).
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, CInt) -> CInt
    private static let closeFromAction: CloseFrom? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()
    #endif

    /// Starts `executable` with `arguments` (argv[0] is `executable` itself) and `stdio` as its fds 0, 1, 2.
    ///
    /// - Parameters:
    ///   - environment: `NAME=value` entries; `nil` passes this process's environment on.
    ///   - defaultSignals: signals whose handling is reset to the default, with an empty signal mask as well; `nil`
    ///     leaves both as they are inherited.
    ///   - newProcessGroup: whether the child leads a process group of its own.
    ///   - closeOtherDescriptors: whether nothing but stdio is inherited, not even descriptors that other code left
    ///     inheritable (on glibc 2.34+ and Darwin; elsewhere close-on-exec alone applies).
    ///   - searchPath: whether `executable` is looked up on the `PATH` (`posix_spawnp`).
    static func spawn(
        executable: String, arguments: [String], environment: [String]?, stdio: [Stdio],
        defaultSignals: [CInt]? = nil, newProcessGroup: Bool = false, closeOtherDescriptors: Bool = false,
        searchPath: Bool = false
    ) throws(SpawnError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, io) in stdio.enumerated() {
            switch io {
            case .descriptor(let fd):
                posix_spawn_file_actions_adddup2(&actions, fd, CInt(target))
            case .file(let path, let flags, let mode):
                posix_spawn_file_actions_addopen(&actions, CInt(target), path, flags, mode)
            }
        }
        #if os(Linux)
        if closeOtherDescriptors, let closeFrom = closeFromAction { _ = closeFrom(&actions, 3) }
        #endif

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var flags: CInt = 0
        if let defaultSignals {
            var defaults = sigset_t()
            sigemptyset(&defaults)
            for signal in defaultSignals { sigaddset(&defaults, signal) }
            posix_spawnattr_setsigdefault(&attributes, &defaults)
            var mask = sigset_t()
            sigemptyset(&mask)
            posix_spawnattr_setsigmask(&attributes, &mask)
            flags |= CInt(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        }
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= CInt(POSIX_SPAWN_SETPGROUP)
        }
        #if canImport(Darwin)
        if closeOtherDescriptors { flags |= CInt(POSIX_SPAWN_CLOEXEC_DEFAULT) }  // only stdio is inherited
        #endif
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var argv = ([executable] + arguments).map { strdup($0) }
        argv.append(nil)
        var envp = (environment ?? []).map { strdup($0) }
        envp.append(nil)
        defer { for p in argv + envp { free(p) } }

        var pid: pid_t = 0
        func start(_ env: UnsafePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
            searchPath
                ? posix_spawnp(&pid, executable, &actions, &attributes, argv, env)
                : posix_spawn(&pid, executable, &actions, &attributes, argv, env)
        }
        let rc = environment == nil ? start(environ) : envp.withUnsafeBufferPointer { start($0.baseAddress!) }
        guard rc == 0 else { throw SpawnError(code: rc) }
        return pid
    }

    /// Waits for `pid` to end (retrying on `EINTR`) and returns its `waitpid` status, or `nil` if it could not be
    /// waited for (`errno` says why).
    @discardableResult
    static func reap(_ pid: pid_t) -> CInt? {
        var status: CInt = 0
        var rc: pid_t
        repeat { rc = waitpid(pid, &status, 0) } while rc < 0 && errno == EINTR
        return rc == pid ? status : nil
    }
}
