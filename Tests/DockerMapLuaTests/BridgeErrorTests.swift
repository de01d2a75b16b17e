import Foundation
import CLua
import Testing
@testable import DockerMapLua

@Suite("Lua bridge: errors and lifetimes")
struct BridgeErrorTests {
    @Test("A Swift error becomes the contract's error table, caught by pcall")
    func errorTable() throws {
        let runtime = try makeRuntime()
        runtime.register("fail") { args in
            throw DMapError(.notFound, "No such container: \(args.first?.stringValue ?? "?")", status: 404, object: "web", client: "host1")
        }
        try runtime.run(string: """
            local ok, err = pcall(fail, "web")
            assert(not ok)
            assert(dmap.is_error(err))
            assert(err.kind == "not_found" and err.status == 404 and err.object == "web" and err.client == "host1")
            assert(err.message == "No such container: web", err.message)
            assert(tostring(err) == "not_found: No such container: web", tostring(err))
            assert(not dmap.is_error("x") and not dmap.is_error({kind = "usage"}))
            -- The script goes on after an error.
            local ok2 = pcall(fail, "db")
            assert(ok2 == false)
            """)
    }

    @Test("An uncaught error reports its message and a traceback")
    func uncaught() throws {
        let runtime = try makeRuntime()
        runtime.register("fail") { _ in throw DMapError(.conflict, "name in use") }
        let error = try #require(throws: LuaRuntime.ScriptError.self) {
            try runtime.run(string: "local function f() fail() end\nf()", name: "=script")
        }
        #expect(error.message == "conflict: name in use")
        #expect(error.error?.kind == .conflict)
        #expect(error.traceback.contains("stack traceback:"))
        #expect(error.traceback.contains("script:1: in"))
        // A plain Lua error keeps its position.
        let plain = try #require(throws: LuaRuntime.ScriptError.self) { try runtime.run(string: "error('boom')", name: "=x") }
        #expect(plain.message == "x:1: boom")
        #expect(plain.error == nil)
        // The runtime is usable afterwards.
        try runtime.run(string: "assert(1 + 1 == 2)")
    }

    @Test("Wrong argument types name the argument in luaL_argerror's words")
    func usageErrors() throws {
        let runtime = try makeRuntime()
        try runtime.run(string: """
            local ok, err = pcall(dmap.client, 5)
            assert(err.kind == "usage" and err.message == "bad argument #1 to 'client' (table expected, got number)", err.message)
            ok, err = pcall(dmap.client, {bogus = 1})
            assert(err.kind == "usage" and err.message:find("unknown option 'bogus'"), err.message)
            ok, err = pcall(dmap.client, {base_ur = "unix:///x"})
            assert(err.message:find("did you mean 'base_url'"), err.message)
            local d = dmap.client()
            ok, err = pcall(d.version)
            assert(err.message == "bad argument #1 to 'version' (dmap.client expected, got no value)", err.message)
            ok, err = pcall(d.inspect_container, d, 42)
            assert(err.message == "bad argument #2 to 'inspect_container' (string expected, got number)", err.message)
            ok, err = pcall(d.create_container, d)
            assert(err.message == "bad argument #2 to 'create_container' (table expected, got no value)", err.message)
            ok, err = pcall(dmap.client, {base_url = "ftp://x"})
            assert(err.kind == "usage" and err.message:find("unsupported scheme 'ftp'"), err.message)
            """)
    }

    @Test("100,000 erroring calls from Lua into Swift release every Swift object and run every defer")
    func erroringCallsReleaseEverything() throws {
        let counter = LiveCounter()
        let defers = LiveCounter()
        var runtime: LuaRuntime? = try makeRuntime()
        let captured = Tracked(counter)
        runtime!.registerRaw("fail") { [captured] call in
            let local = Tracked(counter)  // lives in this Swift frame only
            defer { defers.died() }
            _ = (local, captured)
            throw DMapError(.engine, "failure \(try call.integer(1))")
        }
        try runtime!.run(string: """
            local before = collectgarbage("count")
            local caught = 0
            for i = 1, 100000 do
              local ok, err = pcall(fail, i)
              if not ok and err.kind == "engine" and err.message == "failure " .. i then caught = caught + 1 end
            end
            assert(caught == 100000, "caught " .. caught)
            collectgarbage(); collectgarbage()
            local after = collectgarbage("count")
            assert(after - before < 256, "Lua memory grew by " .. (after - before) .. " KiB")
            """)
        #expect(defers.live == -100_000)
        // Only the object the registered closure captures is alive, and it goes with the runtime.
        #expect(counter.live == 1)
        weak let weakCaptured = captured
        _ = consume captured
        runtime!.close()
        runtime = nil
        #expect(weakCaptured == nil)
        #expect(counter.live == 0)
    }

    @Test("Userdata release their Swift object on garbage collection and on close, once")
    func userdataLifetime() throws {
        let counter = LiveCounter()
        let runtime = try makeRuntime()
        runtime.registerRaw("make") { call in
            call.state.pushRetained(Tracked(counter), metatable: LuaBridge.boxMetatable)
            return 1
        }
        try runtime.run(string: "collectgarbage('stop'); for i = 1, 1000 do local x = make() end")
        #expect(counter.live == 1000)
        try runtime.run(string: "collectgarbage('restart'); collectgarbage(); collectgarbage()")
        #expect(counter.live == 0)
        try runtime.run(string: "keep = {}; for i = 1, 10 do keep[i] = make() end")
        #expect(counter.live == 10)
        try runtime.run(string: "keep = nil; collectgarbage(); collectgarbage()")
        #expect(counter.live == 0)
        runtime.registerRaw("close_now") { call in
            // Calls __close directly, as a to-be-closed variable does, then lets __gc run too.
            call.state.releaseRetained(at: 1)
            return 0
        }
        try runtime.run(string: "local x = make(); close_now(x); close_now(x); x = nil; collectgarbage()")
        #expect(counter.live == 0)
    }

    @Test("Client objects keep script fields and release the Swift client")
    func clientFields() throws {
        let runtime = try makeRuntime()
        try runtime.run(string: """
            local d = dmap.client()
            local seen
            d.push_log = function(self, msg, level) seen = msg .. "/" .. level end
            d:push_log("hello", "info")
            assert(seen == "hello/info")
            d.note = 5
            assert(d.note == 5 and rawequal(getmetatable(d).__name, "dmap.client"))
            local e = dmap.client()
            assert(e.note == nil, "fields are per object")
            """)
    }

    @Test("Swift functions work inside coroutines, and their errors end only that coroutine")
    func coroutines() throws {
        let runtime = try makeRuntime()
        runtime.register("double") { args in [.int((args.first?.intValue ?? 0) * 2)] }
        runtime.register("fail") { _ in throw DMapError(.timeout, "too slow") }
        try runtime.run(string: """
            local co = coroutine.wrap(function(a)
              local b = coroutine.yield(double(a))
              return double(b)
            end)
            assert(co(2) == 4)
            assert(co(5) == 10)
            local c = coroutine.create(function() coroutine.yield(1); fail() end)
            assert(select(2, coroutine.resume(c)) == 1)
            local ok, err = coroutine.resume(c)
            assert(not ok and err.kind == "timeout" and coroutine.status(c) == "dead")
            -- Many coroutines failing do not disturb the main one.
            for i = 1, 1000 do
              local ok = coroutine.resume(coroutine.create(function() fail() end))
              assert(not ok)
            end
            assert(double(21) == 42)
            """)
    }

    @Test("A Swift program embeds the runtime: its own functions, files and strings")
    func embedding() throws {
        let reports = Reports()
        let runtime = try makeRuntime(reports: reports)
        runtime.register("greet") { args in [.string("hello, \(args.first?.stringValue ?? "you")")] }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dmap-embed-\(UInt32.random(in: 0...UInt32.max)).lua")
        try "report(greet(...), select('#', ...), require('dmap') == dmap)".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        try runtime.run(file: file.path, arguments: ["lua", "x"])
        try runtime.run(string: "report(greet())")
        #expect(reports.all == [["hello, lua", 2, true], ["hello, you"]])
    }

    @Test("The async entry point does not block the caller's pool thread")
    func asyncRun() async throws {
        let reports = Reports()
        let runtime = try await Task.detached { try makeRuntime(reports: reports) }.value
        try await runtime.runAsync(string: "report('async')")
        #expect(reports.all == [["async"]])
    }
}
