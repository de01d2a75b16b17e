import Foundation

/// The one thread a Lua VM lives on: a plain thread with a large stack that runs submitted jobs in order.
///
/// Jobs block this thread (never a Swift-concurrency pool thread) while they wait for engine calls.
final class LuaThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false
    private var thread: Thread?
    /// Set while a job runs, so that code can check it is on this thread.
    private static let key = "dmap.lua.thread"

    init(name: String = "dmap-lua", stackSize: Int = 16 << 20) {
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = name
        thread.stackSize = stackSize
        thread.threadDictionary[Self.key] = true
        self.thread = thread
        thread.start()
    }

    var isCurrent: Bool { Thread.current.threadDictionary[Self.key] as? Bool == true }

    private func loop() {
        Thread.current.threadDictionary[Self.key] = true
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
        submit {
            outcome.value.result = Result { try job.value() }
            done.signal()
        }
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
            submit { continuation.resume(with: Result { try body() }) }
        }
    }

    private func submit(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
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
