import Foundation
import Testing
import DockerMapLua

private typealias H = MappingClientHarness

@Suite("Mapping client: run_script (real engine)")
struct MappingClientScriptTests {
    /// A directory with `run.sh`, removed afterwards.
    func withScript(_ text: String, _ body: (String) async throws -> Void) async throws {
        let dir = NSTemporaryDirectory() + "dmap-script-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try text.write(toFile: dir + "/run.sh", atomically: true, encoding: .utf8)
        try await body(dir)
    }

    @Test("run_script brings up the dependencies, runs the script in a one-off container, returns exit code and log")
    func runScript() async throws {
        try await withScript("echo \"script in $(hostname)\"; ping -c1 -W2 database >/dev/null && echo db reachable\nexit 3\n") { dir in
            let r = try await H.run(H.mapName("script"), """
                -- The test engines have no default bridge: the containers meet on a network of the map.
                local m = dmap.map(M, {
                  networks = { net = {} },
                  db = { image = "busybox:latest", networks = "net", stop_signal = "SIGKILL", create_options = { command = "sleep 300" } },
                  job = { image = "busybox:latest", networks = "net", links = { { "db", "database" } } },
                })
                local mc = dmap.mapping_client(m)
                local res = mc:run_script("job", { script_path = "\(dir)/run.sh", command_format = { "sh", "{script_path}" } })
                local one = res.__default__
                report{ exit = one.exit_code, log = short(one.log), id = type(one.id), db = status(d, M .. ".db"),
                        job = status(d, M .. ".job") }
                -- A container of that name blocks the script unless asked to remove it first.
                mc:create("job")
                local ok, err = pcall(mc.run_script, mc, "job", { script_path = "\(dir)", command_format = "sh {script_path}/run.sh" })
                local again = mc:run_script("job", { script_path = "\(dir)", command_format = "sh {script_path}/run.sh",
                                                     remove_existing_before = true })
                report{ kind = err.kind, message = short(err.message), again = again.__default__.exit_code }
                -- A script that outlives wait_timeout is reported, and its container removed.
                local slow = mc:run_script("job", { command_format = "sleep 30", wait_timeout = 1 })
                report{ error = slow.__default__.error, job = status(d, M .. ".job") }
                """)
            #expect(r.all[0].first?["exit"] == 3)
            #expect(r.all[0].first?["log"]?.stringValue?.contains("script in M-job") == true)
            #expect(r.all[0].first?["log"]?.stringValue?.contains("db reachable") == true)
            #expect(r.all[0].first?["db"] == "running" && r.all[0].first?["job"] == "absent")
            #expect(r.all[1].first?["kind"] == "action")
            #expect(r.all[1].first?["message"]?.stringValue?.contains("existed on client __default__ prior to running the script") == true)
            #expect(r.all[1].first?["again"] == 3)
            #expect(r.all[2].first?["error"] == "Timed out while waiting for the container to finish.")
            #expect(r.all[2].first?["job"] == "absent")
        }
    }
}
