import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Our end of a compressor's stdin: one end of a socket pair, written with `MSG_NOSIGNAL` (`SO_NOSIGPIPE` on
/// Darwin), so that a child that dies cannot raise SIGPIPE in this process; the write fails with `EPIPE` instead.
///
/// Blocking; one thread at a time. Only the writer closes it.
final class CompressInput: @unchecked Sendable {
    private var fd: CInt
    /// The child's end, to hand to `CompressProcess.start` and close right after.
    private(set) var childEnd: CInt

    /// A connected, close-on-exec socket pair; the send buffer is enlarged so that fewer wake-ups are needed.
    init() throws {
        var pair: [CInt] = [-1, -1]
        #if canImport(Darwin)
            let type = SOCK_STREAM
        #else
            let type = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        #endif
        guard socketpair(AF_UNIX, type, 0, &pair) == 0 else {
            throw DMapError(.build, "cannot start a compressor: \(FileStatus.reason())")
        }
        for end in pair { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        var size: CInt = 1 << 20
        _ = setsockopt(pair[0], SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<CInt>.size))
        #if canImport(Darwin)
            var one: CInt = 1
            _ = setsockopt(pair[0], SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<CInt>.size))
        #endif
        fd = pair[0]
        childEnd = pair[1]
    }

    deinit {
        closeChildEnd()
        close()
    }

    /// Closes the child's end (once the child has it).
    func closeChildEnd() {
        if childEnd >= 0 { Foundation.close(childEnd) }
        childEnd = -1
    }

    /// Writes all of `bytes`. A child that is gone is a `DMapError(.build)`.
    func send(_ bytes: ByteBuffer) throws {
        guard fd >= 0 else { throw DMapError(.build, "the compressor's input is closed") }
        try bytes.withUnsafeReadableBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = Self.send(fd, raw.baseAddress! + sent, raw.count - sent)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DMapError(.build, "cannot write to the compressor: \(FileStatus.reason())")
                }
                sent += n
            }
        }
    }

    /// Closes our end: the child sees the end of its input.
    func close() {
        if fd >= 0 { Foundation.close(fd) }
        fd = -1
    }

    private static func send(_ fd: CInt, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
        #if canImport(Darwin)
            return Foundation.send(fd, pointer, count, 0)
        #else
            return Foundation.send(fd, pointer, count, CInt(MSG_NOSIGNAL))
        #endif
    }
}

/// Our end of a compressor's stdout: the read end of a close-on-exec pipe.
///
/// Blocking; one thread at a time.
final class CompressOutput: @unchecked Sendable {
    private var fd: CInt
    /// The child's end, to hand to `CompressProcess.start` and close right after.
    private(set) var childEnd: CInt

    init() throws {
        var ends: [CInt] = [-1, -1]
        guard CompressProcess.makePipe(&ends) else {
            throw DMapError(.build, "cannot start a compressor: \(FileStatus.reason())")
        }
        #if os(Linux)
            _ = fcntl(ends[0], 1031 /* F_SETPIPE_SZ */, CInt(1 << 20))  // fewer wake-ups; a failure is harmless
        #endif
        fd = ends[0]
        childEnd = ends[1]
    }

    deinit {
        closeChildEnd()
        close()
    }

    func closeChildEnd() {
        if childEnd >= 0 { Foundation.close(childEnd) }
        childEnd = -1
    }

    /// Up to `count` bytes as the child writes them; `nil` once it closed its output.
    func read(upTo count: Int) throws -> ByteBuffer? {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        let fd = self.fd
        var got = 0
        // Gather what comes until `count` bytes or the end, but hand over what there is once the pipe runs dry
        // after at least 64 KiB, so that the sink is not kept waiting.
        try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw -> Int in
            while got < count {
                let n = Foundation.read(fd, raw.baseAddress! + got, count - got)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DMapError(.build, "cannot read from the compressor: \(FileStatus.reason())")
                }
                if n == 0 { break }
                got += n
                if got >= 64 << 10 { break }
            }
            return got
        }
        return got == 0 ? nil : buffer
    }

    func close() {
        if fd >= 0 { Foundation.close(fd) }
        fd = -1
    }
}
