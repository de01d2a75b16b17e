import Foundation
import Testing
@testable import DockerMapLua

/// Options of the wrong type are `usage` errors naming the option, raised before any engine is asked: the runtime's
/// engine is a socket nobody listens on, so a call that gets past its options fails with `connection` instead.
@Suite("Lua bindings: options of the wrong type")
struct OptionTypeTests {
    /// Runs `body` (with `docker`, a temporary context directory `dir` and `try_(f, ...)`, which reports the
    /// error's kind and message) and returns the reports as `[kind, message]`.
    func run(_ body: String) throws -> [[String]] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dmap-option-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("FROM scratch\n".utf8).write(to: dir.appendingPathComponent("Dockerfile"))
        let reports = Reports()
        try makeRuntime(reports: reports).run(string: """
            local docker = dmap.client()
            local dir = "\(dir.path)"
            local function try_(f, ...)
              local ok, err = pcall(f, ...)
              assert(not ok, "expected an error")
              assert(dmap.is_error(err), tostring(err))
              report(err.kind, err.message)
            end
            \(body)
            """)
        return reports.all.map { $0.compactMap(\.stringValue) }
    }

    @Test("Client methods reject wrong option types before contacting the engine")
    func clientMethods() throws {
        let out = try run("""
            try_(docker.remove_all_containers, docker, { list_only = "yes" })
            try_(docker.remove_all_containers, docker, { stop_timeout = 2.5 })
            try_(docker.cleanup_images, docker, { force = 1 })
            try_(docker.cleanup_containers, docker, { list_only = "yes" })
            try_(docker.login, docker, { username = "u", password = "p", reauth = "no" })
            try_(docker.pull, docker, "busybox", { raise_on_error = "x" })
            try_(docker.push, docker, "busybox", { tag = 1 })
            try_(dmap.client, { tls = { verify = "no" } })
            try_(dmap.client, { ssh = { multiplex = "no" } })
            try_(docker.build, docker, { tag = "dmap-test:1", path = dir, nocache = "yes" })
            try_(docker.build, docker, { tag = "dmap-test:1", path = dir, shmsize = 1.5 })
            try_(docker.tag, docker, "busybox", { repo = "x/y", force = "yes" })
            try_(docker.disconnect_container_from_network, docker, "c", "n", { force = "yes" })
            try_(docker.wait, docker, "c", { timeout = "300" })
            """)
        #expect(out == [
            ["usage", "option 'list_only' must be a boolean, got string"],
            ["usage", "option 'stop_timeout' must be an integer, got 2.5"],
            ["usage", "option 'force' must be a boolean, got number"],
            ["usage", "option 'list_only' must be a boolean, got string"],
            ["usage", "option 'reauth' must be a boolean, got string"],
            ["usage", "option 'raise_on_error' must be a boolean, got string"],
            ["usage", "option 'tag' must be a string, got number"],
            ["usage", "option 'tls.verify' must be a boolean, got string"],
            ["usage", "option 'ssh.multiplex' must be a boolean, got string"],
            ["usage", "option 'nocache' must be a boolean, got string"],
            ["usage", "option 'shmsize' must be an integer, got 1.5"],
            ["usage", "option 'force' must be a boolean, got string"],
            ["usage", "option 'force' must be a boolean, got string"],
            ["usage", "option 'timeout' must be a number of seconds, got string"],
        ])
    }

    @Test("Maps and mapping clients reject wrong option types before contacting the engine")
    func mapOptions() throws {
        let out = try run("""
            local m = dmap.map("m", { app = { image = "busybox:latest" } })
            try_(m.merge, m, {}, { lists_only = 1 })
            local mc = dmap.mapping_client(m)
            try_(mc.run_script, mc, "app", { remove_existing_before = "yes" })
            try_(mc.run_script, mc, "app", { wait_timeout = "10" })
            try_(mc.run_script, mc, "app", { tail = 2.5 })
            try_(mc.run_script, mc, "app", { command_format = 5 })
            try_(mc.startup, mc, "app", { map = 1 })
            try_(mc.run_script, mc, "app", { tail = 10, wait_timeout = 1.5, timestamps = true })
            """)
        #expect(out.dropLast() == [
            ["usage", "option 'lists_only' must be a boolean, got number"],
            ["usage", "option 'remove_existing_before' must be a boolean, got string"],
            ["usage", "option 'wait_timeout' must be a number, got string"],
            ["usage", "option 'tail' must be a number of lines or \"all\", got 2.5"],
            ["usage", "option 'command_format' must be a string or a list of strings, got number"],
            ["usage", "option 'map' must be a string, got number"],
        ])
        #expect(out.last?.first == "connection", "\(out.last ?? [])")
    }

    @Test("Correct options (an integral float for an integer, dmap.null for absent) get past the checks")
    func correctOptions() throws {
        let out = try run("""
            try_(docker.remove_all_containers, docker, { list_only = true, stop_timeout = 3.0 })
            try_(docker.cleanup_images, docker, { force = false, list_only = dmap.null })
            try_(docker.pull, docker, "busybox", { raise_on_error = true })
            try_(docker.build, docker, { tag = "dmap-test:1", path = dir, nocache = true, shmsize = 64.0,
                                         raise_on_error = true })
            """)
        #expect(out.count == 4)
        #expect(out.allSatisfy { $0.first == "connection" }, "\(out)")
    }
}
