/// Where the default `push_progress` hook sends per-layer progress of pulls and pushes (a terminal display in the
/// command line tool; nothing by default when embedded).
public protocol ProgressSink: Sendable {
    /// One status update for one layer (or other object) `id`; `detail` is the engine's `progressDetail`
    /// (`current`, `total`) when it sent one.
    func update(status: String, id: String, detail: Value?)
    /// The operation the updates belonged to has ended.
    func end()
}
