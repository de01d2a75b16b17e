import Dispatch
import NIOConcurrencyHelpers

/// Runs async work from the Lua thread and blocks that thread (never a pool thread) until it is done.
@available(*, noasync, message: "blocks the calling thread; only for the Lua thread")
func blockingAwait<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let result = NIOLockedValueBox<Result<T, Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let r: Result<T, Error>
        do { r = .success(try await operation()) } catch { r = .failure(error) }
        result.withLockedValue { $0 = r }
        done.signal()
    }
    done.wait()
    return try result.withLockedValue { $0! }.get()
}
