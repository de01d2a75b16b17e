import Foundation
import Testing
import DockerMapLua

private typealias H = MappingClientHarness

/// What map actions pull reaches the client's hooks, as Docker-Map's mapping client pulls through its wrapper:
/// status lines to `push_log`, per-layer progress to `push_progress`. Against the password-protected test registry.
@Suite("Mapping client: pulls report to the client's hooks (real registry)")
struct MappingClientPullHooksTests {
    var registry: String { get throws { try TestEnv.require("DMAP_TEST_REGISTRY") } }

    /// Lua that logs `d` in (the credentials read from the environment, never written into the script);
    /// `pushed()` builds `IMG` (busybox and a layer of its own), pushes it to the registry and removes it from the
    /// engine, so that it must be pulled; `appMap()` is a map whose `app` runs it.
    var prepare: String {
        """
        REG = os.getenv("DMAP_TEST_REGISTRY")
        assert(d:login{ username = os.getenv("DMAP_TEST_REGISTRY_USER"),
                        password = os.getenv("DMAP_TEST_REGISTRY_PASSWORD"), registry = REG })
        IMG = REG .. "/" .. M .. "/pulled:1"
        function pushed()
          local df = dmap.dockerfile{ baseimage = "busybox:latest" }
          df:run("echo " .. M .. " > /layer")
          assert(d:build_from_file(df, IMG, { raise_on_error = true }))
          assert(d:push(IMG))
          d:remove_image(IMG)
        end
        function appMap()
          return dmap.map(M, { app = { image = IMG, stop_signal = "SIGKILL", create_options = { command = "sleep 300" } } })
        end

        """
    }

    @Test("startup pulls through the given dmap.client: status lines reach push_log, layers push_progress")
    func hooksOfTheClient() async throws {
        let r = try await H.run(H.mapName("pullhooks"), prepare + """
            pushed()
            local logs, layers = {}, {}
            d.push_log = function(self, message, level) logs[#logs + 1] = level .. " " .. short(message) end
            d.push_progress = function(self, status, id) layers[#layers + 1] = short(status) end
            local steps = lines(dmap.mapping_client(appMap(), d):startup("app"))
            d.push_log, d.push_progress = nil, nil
            report{ steps = steps, logs = logs, layers = layers, app = status(d, M .. ".app") }
            """)
        let image = "\(try registry)/M/pulled:1"
        #expect(r["steps"] == .array(["pull image \(image)", "create container M.app", "start container M.app"].map { .string($0) }))
        let logs = r["logs"]?.arrayValue.compactMap(\.stringValue) ?? []
        #expect(logs.contains("info Status: Downloaded newer image for \(image)"), "\(logs)")
        // Docker-Map's rule: a status with an id goes to push_progress; the engine gives "Pulling from" the tag as id.
        let layers = r["layers"]?.arrayValue.compactMap(\.stringValue) ?? []
        #expect(layers.first == "Pulling from M/pulled", "\(layers)")
        #expect(layers.contains("Already exists"), "busybox's layer is on the engine: \(layers)")
        #expect(layers.contains("Pull complete"), "the image's own layer was fetched: \(layers)")
        #expect(r["app"] == "running")
    }

    @Test("a hook that raises stops the action with its error; nothing after the pull is done")
    func raisingHook() async throws {
        let r = try await H.run(H.mapName("pullraise"), prepare + """
            pushed()
            local mc = dmap.mapping_client(appMap(), d)
            d.push_log = function(self, message) error("stopped by the hook at: " .. short(message), 0) end
            local ok, err = pcall(mc.startup, mc, "app")
            d.push_log = nil
            report{ ok = ok, err = tostring(err), app = status(d, M .. ".app") }
            """)
        #expect(r["ok"] == false)
        #expect(r["err"]?.stringValue?.hasPrefix("stopped by the hook at: ") == true, "\(String(describing: r["err"]))")
        #expect(r["app"] == "absent")
    }

    @Test("without a dmap.client, the pulls' status lines go to the log, as the default push_log sends them")
    func defaultHooks() async throws {
        let (registry, user, password) = (try registry, try TestEnv.require("DMAP_TEST_REGISTRY_USER"),
                                          try TestEnv.require("DMAP_TEST_REGISTRY_PASSWORD"))
        let map = H.mapName("pulldefault")
        let image = "\(registry)/\(map)/pulled:1"
        _ = try await H.run(map, prepare + "pushed()")
        let dir = NSTemporaryDirectory() + "dmap-config-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let auth = Data("\(user):\(password)".utf8).base64EncodedString()
        try #"{"auths": {"\#(registry)": {"auth": "\#(auth)"}}}"#.write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
        let cli = try await runCLI(["-H", try TestEnv.host, "-e", """
            local m = dmap.map("\(map)", { app = { image = "\(image)", stop_signal = "SIGKILL",
                                                   create_options = { command = "sleep 300" } } })
            for _, s in ipairs(dmap.mapping_client(m):startup("app")) do print(s.action .. " " .. s.name) end
            """], environment: ["DOCKER_CONFIG": dir])
        _ = try await H.run(map, "")  // removes the container and the tag
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(cli.stdout == "pull \(image)\ncreate \(map).app\nstart \(map).app\n")
        #expect(cli.stderr.contains("Status: Downloaded newer image for \(image)"), "\(cli.stderr)")
        #expect(!cli.stderr.contains(password))
    }
}
