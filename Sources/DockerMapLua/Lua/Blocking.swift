import Dispatch
import NIOConcurrencyHelpers

/// Runs the async work that the Lua thread waits for.
///
/// The work must never need a thread of Swift's cooperative pool: the thread that called into Lua may itself be one
/// of them, blocked until the script ends (on 2 cores two such callers would block the whole pool, and the engine
/// call they wait for would never run). Jobs run on private serial dispatch queues instead: on Linux a serial queue
/// targets libdispatch's overcommit pool, which starts threads as needed (a concurrent queue would share the
/// width-limited pool that Swift concurrency uses). The work is I/O-bound; NIO's own threads do the I/O.
final class EngineTaskExecutor: TaskExecutor {
    static let shared = EngineTaskExecutor()
    private let queues = (0..<4).map { DispatchQueue(label: "dmap-lua.engine.\($0)") }
    private let next = NIOLockedValueBox(0)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        let index = next.withLockedValue { n -> Int in
            n = (n + 1) % queues.count
            return n
        }
        queues[index].async { job.runSynchronously(on: executor) }
    }
}

/// Runs async work from the Lua thread and blocks that thread until it is done.
@available(*, noasync, message: "blocks the calling thread; only for the Lua thread")
func blockingAwait<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let result = NIOLockedValueBox<Result<T, Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task(executorPreference: EngineTaskExecutor.shared) {
        let r: Result<T, Error>
        do { r = .success(try await operation()) } catch { r = .failure(error) }
        result.withLockedValue { $0 = r }
        done.signal()
    }
    done.wait()
    return try result.withLockedValue { $0! }.get()
}

/// Runs async work from the Lua thread while handing the events it emits to `onEvent` on the Lua thread (where Lua
/// hooks may run). If `onEvent` throws, the work is cancelled, awaited, and the error rethrown.
@available(*, noasync, message: "blocks the calling thread; only for the Lua thread")
func blockingAwait<T: Sendable, Event: Sendable>(
    _ operation: @escaping @Sendable (_ emit: @escaping @Sendable (Event) -> Void) async throws -> T,
    onEvent: (Event) throws -> Void
) throws -> T {
    let queue = EventQueue<Event, T>()
    let task = Task(executorPreference: EngineTaskExecutor.shared) {
        let r: Result<T, Error>
        do { r = .success(try await operation(queue.emit)) } catch { r = .failure(error) }
        queue.finish(r)
    }
    while true {
        let (events, result) = queue.take()
        for event in events {
            do {
                try onEvent(event)
            } catch {
                task.cancel()
                _ = queue.waitForResult()
                throw error
            }
        }
        if let result { return try result.get() }
    }
}

/// Events from an engine task to the Lua thread, then the task's result.
final class EventQueue<Event: Sendable, T: Sendable>: Sendable {
    private let state = NIOLockedValueBox<(events: [Event], result: Result<T, Error>?)>(([], nil))
    private let signal = DispatchSemaphore(value: 0)

    @Sendable func emit(_ event: Event) {
        state.withLockedValue { $0.events.append(event) }
        signal.signal()
    }

    func finish(_ result: Result<T, Error>) {
        state.withLockedValue { $0.result = result }
        signal.signal()
    }

    /// Waits until there are events or a result; returns the events so far and the result once there is one
    /// and every event before it has been taken.
    func take() -> ([Event], Result<T, Error>?) {
        signal.wait()
        return state.withLockedValue { s in
            let events = s.events
            s.events.removeAll()
            return (events, s.result)
        }
    }

    /// Waits for the result, dropping events.
    func waitForResult() -> Result<T, Error> {
        while true {
            let (_, result) = take()
            if let result { return result }
        }
    }
}
