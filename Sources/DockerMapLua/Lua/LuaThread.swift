import Foundation

/// The one thread a Lua VM lives on: a plain thread with a large stack that runs submitted jobs in order.
///
/// Jobs block this thread (never a Swift-concurrency pool thread) while they wait for engine calls.
final class LuaThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false
    private var thread: Thread?
    /// The pthread this VM runs on, set once by the thread itself before it runs any job.
    private var owner: pthread_t?

    init(name: String = "dmap-lua", stackSize: Int = 16 << 20) {
        // The thread keeps this object alive until `stop()` lets its loop end.
        let thread = Thread { self.loop() }
        thread.name = name
        thread.stackSize = stackSize
        self.thread = thread
        thread.start()
    }

    /// True on this VM's own thread (not on the thread of another runtime).
    var isCurrent: Bool {
        condition.lock()
        defer { condition.unlock() }
        guard let owner else { return false }
        return pthread_equal(owner, pthread_self()) != 0
    }

    private func loop() {
        condition.lock()
        owner = pthread_self()
        condition.unlock()
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    /// Runs `body` on the Lua thread and waits for its result. Called on the Lua thread itself, runs it directly.
    @available(*, noasync, message: "blocks the calling thread; use the async variant")
    func sync<T>(_ body: @escaping () throws -> T) throws -> T {
        if isCurrent { return try body() }
        let outcome = UnsafeSendableBox(ResultSlot<T>())
        let done = DispatchSemaphore(value: 0)
        let job = UnsafeSendableBox(body)
        let accepted = submit {
            outcome.value.result = Result { try job.value() }
            done.signal()
        }
        guard accepted else { throw DMapError(.usage, "the Lua runtime is closed") }
        done.wait()
        return try outcome.value.result!.get()
    }

    /// Runs a non-throwing `body` on the Lua thread and waits for it.
    @available(*, noasync, message: "blocks the calling thread; use the async variant")
    func sync(_ body: @escaping () -> Void) {
        try? sync { () throws -> Void in body() }
    }

    /// Runs `body` on the Lua thread; suspends (without blocking) until it is done.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = submit { continuation.resume(with: Result { try body() }) }
            if !accepted { continuation.resume(throwing: DMapError(.usage, "the Lua runtime is closed")) }
        }
    }

    /// Queues `job`; returns false (and drops it) once the thread is stopping.
    private func submit(_ job: @escaping () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Lets the thread finish its queued jobs and end.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }
}

/// Carries a non-Sendable value across a thread hop that is known to be safe (the sender waits for the receiver).
struct UnsafeSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Where a job hands its result back to the thread that waits for it.
final class ResultSlot<T> {
    var result: Result<T, Error>?
}
