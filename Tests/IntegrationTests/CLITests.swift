import Foundation
import Testing
import DockerMapLua

/// The `dmap-lua` command as a user runs it.
@Suite("Command line")
struct CLITests {
    @Test("A script gets arg and ..., as lua.c gives them; os.exit is honoured")
    func arguments() async throws {
        let script = NSTemporaryDirectory() + "dmap-cli-\(UUID().uuidString.prefix(8)).lua"
        try """
            print(select('#', ...), ...)
            print(arg[0] == '\(script)', arg[1], arg[2], arg[-1])
            io.stdout:flush()
            os.exit(tonumber(arg[3]) or 0)
            """.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let r = try await runCLI(["-q", script, "a", "-v", "5"])
        #expect(r.status == 5)
        #expect(r.stdout == "3\ta\t-v\t5\ntrue\ta\t-v\t-q\n")
    }

    @Test("-e runs chunks, dmap is preloaded and require'able; -H sets the default engine")
    func chunks() async throws {
        let host = try TestEnv.host
        let r = try await runCLI(["-H", host, "-e", "x = 1", "-e", "print(x, require('dmap') == dmap, dmap.client():ping())"],
                           environment: ["DOCKER_HOST": "unix:///nonexistent.sock"])
        #expect(r.status == 0)
        #expect(r.stdout == "1\ttrue\ttrue\n")
    }

    @Test("An uncaught error prints dmap-lua: message and a traceback, and exits 1")
    func uncaught() async throws {
        let r = try await runCLI(["-H", "unix:///nonexistent/dmap.sock", "-e", "local function go() dmap.client():version() end\ngo()"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("dmap-lua: connection: cannot connect to the engine at unix:///nonexistent/dmap.sock"))
        #expect(r.stderr.contains("stack traceback:"))
        #expect(r.stderr.contains("(command line):1: in"))
        let syntax = try await runCLI(["-e", "x ="])
        #expect(syntax.status == 1 && syntax.stderr.hasPrefix("dmap-lua: (command line):1:"))
        let missing = try await runCLI(["/nonexistent/script.lua"])
        #expect(missing.status == 1 && missing.stderr.contains("cannot open /nonexistent/script.lua"))
    }

    @Test("Bad usage exits 2; --help and --version exit 0")
    func usage() async throws {
        #expect(try await runCLI([]).status == 2)
        #expect(try await runCLI(["--bogus", "-e", "print(1)"]).status == 2)
        #expect(try await runCLI(["--log-level", "loud", "-e", ""]).status == 2)
        let badHost = try await runCLI(["-H", "ftp://engine", "-e", ""])
        #expect(badHost.status == 2 && badHost.stderr.contains("unsupported scheme 'ftp'"))
        let help = try await runCLI(["--help"])
        #expect(help.status == 0 && help.stdout.contains("-H, --host"))
        let version = try await runCLI(["--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("dmap-lua \(DMapVersion.current)"))
    }

    @Test("A script from standard input, and log levels for push_log")
    func stdinAndLogging() async throws {
        let code = "local d = dmap.client(); d:push_log('shown', 'info'); d:push_log('hidden', 'debug'); dmap.log('warning', 'careful')"
        let normal = try await runCLI(["-H", "unix:///x.sock", "-"], stdin: code)
        #expect(normal.status == 0)
        #expect(normal.stderr == "shown\nwarning: careful\n")
        let verbose = try await runCLI(["-v", "-H", "unix:///x.sock", "-"], stdin: code)
        #expect(verbose.stderr == "shown\ndebug: hidden\nwarning: careful\n")
        let quiet = try await runCLI(["-q", "-H", "unix:///x.sock", "-"], stdin: code)
        #expect(quiet.stderr == "warning: careful\n")
    }
}
