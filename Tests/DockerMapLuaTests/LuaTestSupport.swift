import Foundation
import NIOConcurrencyHelpers
@testable import DockerMapLua

/// Counts live instances, to prove that the bridge releases every Swift object it hands to Lua.
final class LiveCounter: Sendable {
    private let count = NIOLockedValueBox(0)
    var live: Int { count.withLockedValue { $0 } }
    func born() { count.withLockedValue { $0 += 1 } }
    func died() { count.withLockedValue { $0 -= 1 } }
}

final class Tracked {
    let counter: LiveCounter
    init(_ counter: LiveCounter) {
        self.counter = counter
        counter.born()
    }
    deinit { counter.died() }
}

/// Collects values that a script reports with `report(...)`.
final class Reports: Sendable {
    private let items = NIOLockedValueBox<[[Value]]>([])
    var all: [[Value]] { items.withLockedValue { $0 } }
    func add(_ values: [Value]) { items.withLockedValue { $0.append(values) } }
}

/// A runtime with `report(...)` registered; engine access points at a socket that does not exist unless given.
func makeRuntime(host: String = "unix:///nonexistent/dmap-test.sock", reports: Reports = Reports()) throws -> LuaRuntime {
    let runtime = try LuaRuntime(options: LuaRuntime.Options(defaultHost: host, environment: [:]))
    runtime.register("report") { args in
        reports.add(args)
        return []
    }
    return runtime
}

/// Lua for tests of argument checks: `fails(f, text)` checks that calling `f` raises a `usage` error whose message
/// contains `text` (plain text, not a pattern).
let luaFailsHelper = #"""
    local function fails(f, text)
      local ok, err = pcall(f)
      assert(not ok, "expected an error containing " .. text)
      assert(dmap.is_error(err) and err.kind == "usage", tostring(err and err.message or err))
      assert(err.message:find(text, 1, true), err.message)
    end

    """#
