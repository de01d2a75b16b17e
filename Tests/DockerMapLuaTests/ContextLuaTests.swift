import Foundation
import Testing
@testable import DockerMapLua

/// `dmap.context`, `build_from_context`, `dmap.error` and `mc:run_script`'s argument checks from Lua, without an
/// engine (the runtime's engine is a socket nobody listens on).
@Suite("Context: dmap.context in Lua")
struct ContextLuaTests {
    /// Runs `code` and returns the values of each `report(...)`.
    func run(_ code: String) throws -> [[Value]] {
        let reports = Reports()
        try makeRuntime(reports: reports).run(string: code)
        return reports.all
    }

    /// The member names of the tar archive at `path`, read back with `TarReader`.
    func archiveNames(_ path: String) throws -> [String] {
        let reader = try TarReader(path: path)
        var names: [String] = []
        while let member = try reader.next() {
            names.append(member.name.hasSuffix("/") ? String(member.name.dropLast()) : member.name)
        }
        return names
    }

    @Test("ctx:add of a directory with a .dockerignore names its members under the cleaned arcname")
    func addWithDockerIgnoreCleansName() throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        try scratch.file("app/.dockerignore", "*.log\n")
        try scratch.file("app/a.txt", "a\n")
        try scratch.file("app/b.log", "b\n")
        try scratch.file("app/sub/c.txt", "c\n")
        try scratch.file("plain/p", "p\n")
        let root = scratch.path
        let out = try run(luaFailsHelper + """
            local function names(ctx) return table.concat(ctx:names(), " ") end
            local function added(path, arcname)
              return dmap.context{ compression = false }:add("\(root)/" .. path, arcname)
            end
            local dotted = added("app", "./app")
            report(names(dotted))
            report(names(added("app", "x/../y")))
            report(names(added("app", "y/")))
            report(names(added("app", ".")))
            report(names(added("app", "./")))
            report(names(added("plain", "./plain")))
            report(names(added("plain", "x/../y")))
            fails(function() added("app", "../app") end, "invalid name '../app' in a build context")
            fails(function() added("plain", "../plain") end, "invalid name '../plain' in a build context")
            dotted:save("\(root)/dotted.tar")
            """)
        let lines = out.map { Set(($0.first?.stringValue ?? "").split(separator: " ").map(String.init)) }
        let app: Set = ["app", "app/.dockerignore", "app/a.txt", "app/sub", "app/sub/c.txt"]
        let y: Set = ["y", "y/.dockerignore", "y/a.txt", "y/sub", "y/sub/c.txt"]
        #expect(lines == [app, y, y, [".dockerignore", "a.txt", "sub", "sub/c.txt"],
                          [".dockerignore", "a.txt", "sub", "sub/c.txt"], ["plain", "plain/p"], ["y", "y/p"]])
        #expect(Set(try archiveNames(root + "/dotted.tar")) == app)
    }

    @Test("build_from_context finalizes the context only once its arguments are valid")
    func buildFromContextFinalizesLate() throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let file = try scratch.file("a.txt", "a\n")
        let out = try run(luaFailsHelper + """
            local docker = dmap.client()
            local ctx = dmap.context{ compression = false }
            fails(function() docker:build_from_context(ctx) end, "bad argument #3 to 'build_from_context'")
            fails(function() docker:build_from_context(ctx, 5) end, "bad argument #3 to 'build_from_context'")
            fails(function() docker:build_from_context(ctx, "t", { bogus = 1 }) end, "unknown option 'bogus'")
            fails(function() docker:build_from_context(ctx, "t", { extra_hosts = { a = 1 } }) end,
              "extra_hosts.a must be a string")
            fails(function() docker:build_from_context(ctx, "t", { add_tags = 5 }) end, "add_tags")
            ctx:add("\(file)", "a.txt")
            report(table.concat(ctx:names(), " "))
            -- A valid call finalizes it before sending; with no engine the build then fails with `connection`.
            local id, err = docker:build_from_context(ctx, "t")
            report(id == nil, err.kind)
            fails(function() ctx:add("\(file)", "b.txt") end, "cannot be changed after it has been finalized")
            """)
        #expect(out == [["a.txt"], [true, "connection"]])
    }

    @Test("docker:build{context = ctx} leaves the context changeable after a usage error")
    func buildWithContextFinalizesLate() throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let file = try scratch.file("a.txt", "a\n")
        let runtime = try makeRuntime()
        try runtime.run(string: luaFailsHelper + """
            local docker = dmap.client()
            ctx = dmap.context{ compression = false }
            fails(function() docker:build{ context = ctx } end, "'tag' is required")
            fails(function() docker:build{ context = ctx, tag = "t", path = "." } end, "give 'path' or 'context'")
            """)
        try runtime.run(string: luaFailsHelper + """
            local docker = dmap.client()
            fails(function() docker:build{ context = ctx, tag = "t", extra_hosts = { a = 1 } } end,
              "extra_hosts.a must be a string")
            fails(function() docker:build{ context = ctx, tag = "t", add_tags = 5 } end, "add_tags")
            ctx:add("\(file)", "a.txt")
            """)
    }

    @Test("compression: gz, bz2, none/false; anything else, xz included, is the documented usage error")
    func compressionOption() throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let file = try scratch.file("a.txt", "a\n")
        let root = scratch.path
        _ = try run(luaFailsHelper + """
            for _, c in ipairs{ "gz", "bz2", "none" } do
              dmap.context{ compression = c }:add("\(file)", "a.txt"):save("\(root)/" .. c .. ".tar")
            end
            dmap.context{ compression = false }:add("\(file)", "a.txt"):save("\(root)/false.tar")
            fails(function() dmap.context{ compression = "xz" } end, [[unknown compression 'xz': use "gz", "bz2" or none]])
            fails(function() dmap.context{ compression = "zip" } end, [[unknown compression 'zip': use "gz", "bz2" or none]])
            fails(function() dmap.context{ compression = 5 } end, [[compression must be "gz", "bz2" or false, got number]])
            """)
        let expected: [(String, CompressionFormat?)] = [("gz", .gzip), ("bz2", .bzip2), ("none", nil), ("false", nil)]
        for (name, format) in expected {
            #expect(try TarReader(path: "\(root)/\(name).tar").compression == format, "\(name)")
            #expect(try archiveNames("\(root)/\(name).tar") == ["a.txt"])
        }
    }

    @Test("dmap.error: kind must be a kind's name; a non-string kind is a usage error naming the field")
    func errorKind() throws {
        let out = try run(luaFailsHelper + """
            local e = dmap.error{}
            report(e.kind, e.message)
            e = dmap.error{ kind = "config", message = "m", object = "o" }
            report(e.kind, e.message, e.object)
            e = dmap.error{ kind = dmap.null }
            report(e.kind)
            fails(function() dmap.error{ kind = 5 } end, "option 'kind' must be a string, got number")
            fails(function() dmap.error{ kind = true } end, "'kind' must be a string, got boolean")
            fails(function() dmap.error{ kind = {} } end, "'kind' must be a string, got table")
            fails(function() dmap.error{ kind = "confg" } end,
              "bad argument #1 to 'error' (unknown kind 'confg' (did you mean 'config'?))")
            fails(function() dmap.error{ kind = "zzzzzz" } end, "unknown kind 'zzzzzz')")
            """)
        #expect(out == [["action", "action"], ["config", "m", "o"], ["action"]])
    }

    @Test("run_script: instances is a name or a list of one; a longer list or another type fails before observing")
    func runScriptInstances() throws {
        let out = try run("""
            local mc = dmap.mapping_client(dmap.map("m", {
              db = { image = "busybox:latest", instances = { "a", "b" } },
            }))
            for _, o in ipairs{ { instances = { "a" } }, { instances = "a" }, { instances = { "a", "b" } },
                                { instances = 5 }, { instances = {} }, { instances = { 1 } }, {} } do
              local ok, e = pcall(mc.run_script, mc, "db", o)
              report(ok, e.kind, e.message)
            end
            """)
        let kinds = out.map { $0.count > 1 ? $0[1].stringValue ?? "" : "" }
        let messages = out.map { $0.count > 2 ? $0[2].stringValue ?? "" : "" }
        // The valid ones get as far as observing the engine, which is not there.
        #expect(kinds == ["connection", "connection", "usage", "usage", "usage", "usage", "usage"])
        #expect(messages[2] == "bad argument #3 to 'run_script' (run_script takes one container: 'instances' must name "
            + "one instance, got 2 (a, b))")
        #expect(messages[3] == "bad argument #3 to 'run_script' ('instances' must be an instance name or a list of "
            + "one, got number)")
        #expect(messages[4] == "bad argument #3 to 'run_script' (run_script takes one container: 'instances' must name "
            + "one instance, got 0)")
        #expect(messages[5] == "bad argument #3 to 'run_script' ('instances' must be an instance name or a list of "
            + "one, got table)")
        #expect(messages[6] == "bad argument #2 to 'run_script' (run_script takes one container; 'db' is 2 (name an "
            + "instance))")
    }
}
