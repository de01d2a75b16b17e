/// Runs a plan's steps as a graph: a step starts once every step it comes `after` is done, steps of different
/// clients run side by side, and at most `parallel` steps run at once on one client.
///
/// After a failure no further step starts; the ones already running are waited for. The outcome lists every step
/// that was done, in the plan's order, whatever order they finished in.
struct StepExecutor {
    struct Outcome {
        /// Index and result of every step done, in plan order.
        var done: [(index: Int, result: Value)]
        /// The first failure, with the index of its step.
        var failure: (index: Int, error: Error)?
    }

    let steps: [PlanStep]
    let parallel: Int

    func run(_ perform: @escaping @Sendable (PlanStep) async throws -> Value) async -> Outcome {
        var waitingOn = steps.map { Set($0.after) }
        var dependents: [[Int]] = Array(repeating: [], count: steps.count)
        for (i, step) in steps.enumerated() { for j in step.after { dependents[j].append(i) } }
        var ready = steps.indices.filter { waitingOn[$0].isEmpty }
        var running: [String: Int] = [:]
        var results: [Int: Value] = [:]
        var failure: (index: Int, error: Error)?
        let limit = max(1, parallel)

        await withTaskGroup(of: (Int, Result<Value, Error>).self) { group in
            var inFlight = 0
            while true {
                if failure == nil {
                    // Start what may start, in plan order, within each client's bound.
                    var kept: [Int] = []
                    for i in ready.sorted() {
                        let client = steps[i].client
                        guard running[client, default: 0] < limit else {
                            kept.append(i)
                            continue
                        }
                        running[client, default: 0] += 1
                        inFlight += 1
                        let step = steps[i]
                        group.addTask { (i, await Result { try await perform(step) }) }
                    }
                    ready = kept
                }
                guard inFlight > 0, let (i, result) = await group.next() else { break }
                inFlight -= 1
                running[steps[i].client, default: 1] -= 1
                switch result {
                case .success(let value):
                    results[i] = value
                    for d in dependents[i] {
                        waitingOn[d].remove(i)
                        if waitingOn[d].isEmpty { ready.append(d) }
                    }
                case .failure(let error):
                    if failure == nil { failure = (i, error) }
                }
            }
        }
        return Outcome(done: results.keys.sorted().map { ($0, results[$0]!) }, failure: failure)
    }
}

extension Result where Failure == Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
