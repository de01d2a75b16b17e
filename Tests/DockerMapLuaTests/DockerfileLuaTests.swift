import Foundation
import Testing
@testable import DockerMapLua

/// A runtime whose environment is `HOME=/home/me`, `APP=web`, with `report(...)` registered.
func makeDockerfileRuntime(reports: Reports) throws -> LuaRuntime {
    let runtime = try LuaRuntime(options: LuaRuntime.Options(
        defaultHost: "unix:///nonexistent/dmap-test.sock", environment: ["HOME": "/home/me", "APP": "web"]))
    runtime.register("report") { args in
        reports.add(args)
        return []
    }
    return runtime
}

@Suite("Dockerfile: dmap.dockerfile in Lua")
struct DockerfileLuaTests {
    /// Runs `code` and returns the first value of each `report(...)`.
    func run(_ code: String) throws -> [Value] {
        let reports = Reports()
        try makeDockerfileRuntime(reports: reports).run(string: code)
        return reports.all.map { $0.first ?? .null }
    }

    @Test("Constructor options, methods and fields give Docker-Map's text")
    func fullExample() throws {
        let out = try run(#"""
            local df = dmap.dockerfile{
              baseimage = "ubuntu:20.04", maintainer = "Me <me@x>", initial = {"ENV A=1"},
              volumes = {"/data"}, cmd_user = "app", cmd_workdir = "/app", command = "serve 8080",
              expose = {80, "443/tcp"}, labels = {a = "b"}, stopsignal = "SIGINT",
            }
            df:run("apt-get", "update")
            df:run_all("a", {"b", "c"}, nil, "d")
            df:run_join("x", "y")
            df:prefix("ENV", "B=2", 3)
            df:prefix_all("ENV", "C=3", {"D=4", "E=5"})
            report(df:add_file("/tmp/ctx/a.txt"))
            report(df:add_file("/tmp/ctx/a.txt", "/etc/a.txt", "ctx/a2.txt"))
            report(df:add_file("/src/my sub", "/opt/my sub", nil, {remove_final = true}))
            report(df:add_file("$APP/b.txt", {expandvars = true}))
            report(df:add_file("~/c d.txt", "/c d", {expanduser = true, replace_space = false}))
            df:add_volume("/logs")
            df:comment("note")
            df:comment()
            df:blank()
            df:write("RAW")
            df:writeline("")
            df:writelines{"L1", "L2"}
            df.shell = {"/bin/bash", "-c"}
            df.entrypoint = {"/bin/run", "--opt"}
            df.healthcheck = "CMD curl -f http://localhost/"
            df:finalize()
            df:finalize()
            report(df:getvalue())
            """#)
        #expect(out.dropLast() == ["a.txt", "ctx/a2.txt", #"/opt/my\ sub"#, "b.txt", "/c d"])
        #expect(out.last == .string(#"""
            FROM ubuntu:20.04

            MAINTAINER Me <me@x>

            ENV A=1
            RUN apt-get update
            RUN a
            RUN b c

            RUN d
            RUN x && y
            ENV B=2 3
            ENV C=3
            ENV D=4 E=5
            ADD a.txt a.txt
            ADD ctx/a2.txt /etc/a.txt
            ADD /opt/my\ sub /opt/my\ sub
            ADD b.txt b.txt
            ADD /c d /c d
            # note
            #

            RAW
            L1
            L2
            RUN rm -Rf /opt/my\ sub

            VOLUME ["/data", "/logs"]
            USER app
            WORKDIR /app
            SHELL ["/bin/bash", "-c"]
            ENTRYPOINT ["/bin/run", "--opt"]
            CMD ["serve", "8080"]
            EXPOSE 80 443/tcp
            LABEL "a"="b"
            STOPSIGNAL SIGINT
            HEALTHCHECK CMD curl -f http://localhost/

            """#))
    }

    @Test("Defaults, baseimage = false, and prefix without arguments")
    func defaults() throws {
        let out = try run("""
            report(dmap.dockerfile():getvalue())
            report(dmap.dockerfile{}:getvalue())
            local df = dmap.dockerfile{baseimage = false, initial = "FROM scratch"}
            df:prefix()
            df:prefix("ENV")
            df:run()
            report(df:getvalue())
            """)
        #expect(out == ["FROM tianon/true:latest\n\n", "FROM tianon/true:latest\n\n", "\nFROM scratch\n#ENVRUN"])
    }

    @Test("Properties read back as fields; nil unsets; read-only fields")
    func fields() throws {
        try makeDockerfileRuntime(reports: Reports()).run(string: #"""
            local df = dmap.dockerfile{command = {"serve", 8080}, command_shell = true, cmd_user = 1000}
            assert(df.command[1] == "serve" and df.command[2] == "8080")
            assert(df.command_shell == true)
            assert(df.command_user == "1000" and df.cmd_user == "1000")
            assert(df.entrypoint == nil and df.volumes == nil and df.labels == nil)
            df.expose = 80
            assert(df.expose[1] == "80")
            df.labels = {b = "2", a = "1"}
            assert(df.labels.a == "1")
            df.command_workdir = "/srv"
            assert(df.command_workdir == "/srv" and df.cmd_workdir == "/srv")
            df.command = nil
            assert(df.command == nil)
            df.command_shell = nil
            assert(df.command_shell == false)
            assert(df.finalized == false)
            df:add_file("/a/b.txt", "/opt/b.txt")
            assert(#df.files == 1 and df.files[1].source == "/a/b.txt" and df.files[1].context_path == "/opt/b.txt")
            assert(#df.archives == 0)
            assert(df.unknown == nil)
            assert(type(df.run) == "function")
            df:finalize()
            assert(df.finalized == true)
            assert(df:getvalue():find("USER 1000\nWORKDIR /srv\nEXPOSE 80\nLABEL \"a\"=\"1\" \"b\"=\"2\"\n$"))
            """#)
    }

    @Test("Errors: bad values name the property; typos get a hint; writing after finalize")
    func errors() throws {
        try makeDockerfileRuntime(reports: Reports()).run(string: luaFailsHelper + #"""
            local df = dmap.dockerfile()
            fails(function() df.command = true end, "dockerfile: 'command' must be a string or a list of strings, got boolean")
            fails(function() df.command = print end, "dockerfile.command: cannot use a function here")
            fails(function() df.expose = {true} end, "'expose' item 1 must be a port")
            fails(function() df.comand = "x" end, "unknown property 'comand' (did you mean 'command'?)")
            fails(function() df.stopsignl = "x" end, "did you mean 'stopsignal'?")
            fails(function() df.files = {} end, "'files' is read-only")
            fails(function() df.run = 1 end, "cannot set 'run', a method")
            fails(function() dmap.dockerfile{command = 5.5} end, "'command' must be a string or a list of strings, got number")
            fails(function() dmap.dockerfile{comand = "x"} end, "bad argument #1 to 'dockerfile' (unknown option 'comand' (did you mean 'command'?))")
            fails(function() dmap.dockerfile{cmd_user = "a", command_user = "b"} end, "give either 'cmd_user' or 'command_user', not both")
            fails(function() dmap.dockerfile{baseimage = 1} end, "'baseimage' must be a string or false")
            fails(function() dmap.dockerfile(5) end, "bad argument #1 to 'dockerfile' (table expected, got number)")
            fails(function() df:run({}) end, "bad argument #2 to 'run' (string expected, got table)")
            fails(function() df:add_file(1) end, "bad argument #2 to 'add_file' (string expected, got number)")
            fails(function() df:add_file("/") end, "cannot make a target path from '/'")
            fails(function() df:add_file("a", {remove_finale = true}) end, "unknown option 'remove_finale' (did you mean 'remove_final'?)")
            fails(function() df:add_file("a", nil, nil, {expandvars = 1}) end, "bad argument #5 to 'add_file' ('expandvars' must be a boolean, got number)")
            fails(function() df:writelines{"a", {}} end, "bad argument #2 to 'writelines' (line 2 is a table, not a string)")
            fails(function() df.run(5) end, "bad argument #1 to 'run' (dmap.dockerfile expected, got number)")
            local ok, err = pcall(df.add_archive, df, "/nonexistent/a.tar")
            assert(not ok and dmap.is_error(err) and err.message:find("/nonexistent/a.tar", 1, true), tostring(err))
            assert(#df.archives == 0 and #df.files == 0)
            df:finalize()
            fails(function() df:run("x") end, "the Dockerfile cannot be changed after it has been finalized")
            fails(function() df:add_volume("/v") end, "cannot be changed after it has been finalized")
            fails(function() df.command = "x" end, "cannot set 'command': the Dockerfile cannot be changed after it has been finalized")
            fails(function() df.labels = nil end, "cannot set 'labels'")
            """#)
    }

    @Test("save writes the finalized text; add_archive returns the top-level names")
    func saveAndArchive() throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        try scratch.file("src/top.txt", "top\n")
        try scratch.file("src/dir/sub.txt", "sub\n")
        try runTar(["-cjf", scratch.path + "/a.tar.bz2", "-C", scratch.path + "/src", "top.txt", "dir"])
        let out = try run("""
            local df = dmap.dockerfile{baseimage = "busybox", command = "sh"}
            local names = df:add_archive("\(scratch.path)/a.tar.bz2", {remove_final = true})
            report(table.concat(names, ","))
            report(df.archives[1])
            df:save("\(scratch.path)/Dockerfile")
            report(df.finalized)
            """)
        #expect(out == ["top.txt,dir", .string(scratch.path + "/a.tar.bz2"), true])
        #expect(try String(contentsOfFile: scratch.path + "/Dockerfile", encoding: .utf8) == """
            FROM busybox

            ADD top.txt top.txt
            ADD dir dir
            RUN rm -Rf top.txt
            RUN rm -Rf dir

            CMD ["sh"]

            """)
    }

    @Test("Other bindings get the Swift Dockerfile behind a Lua value")
    func swiftAccess() throws {
        let runtime = try makeDockerfileRuntime(reports: Reports())
        final class Grabbed { var items: [Dockerfile?] = [] }
        let grabbed = Grabbed()
        runtime.registerRaw("grab") { call in
            grabbed.items.append(DockerfileBinding.dockerfile(at: 1, in: call.state))
            return 0
        }
        try runtime.run(string: """
            local df = dmap.dockerfile{baseimage = "busybox"}
            df:add_file("/src/my file", nil, "ctx/my file")
            grab(df)
            grab({})
            grab(dmap.client())
            """)
        let seen = grabbed.items
        #expect(seen.count == 3)
        let df = try #require(seen[0])
        #expect(seen[1] == nil && seen[2] == nil)
        #expect(df.files == [.init(source: "/src/my file", contextPath: #"ctx/my\ file"#, archiveName: "ctx/my file")])
        df.finalize()
        #expect(df.text == "FROM busybox\n\nADD ctx/my\\ file my\\ file\n")
    }
}
