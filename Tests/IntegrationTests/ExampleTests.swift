import Foundation
import Testing
import DockerMapLua

/// The examples under examples/ run as tests, through the command, against the test engine.
@Suite("Examples")
struct ExampleTests {
    @Test("Each example runs to the end and leaves none of its containers or tags behind",
          arguments: [("quickstart.lua", "dmap-quickstart"), ("errors.lua", "dmap-errors-example"),
                     ("dockerfile.lua", "dmap-dockerfile-example")])
    func example(file: String, prefix: String) async throws {
        let host = try TestEnv.host
        let path = TestEnv.repositoryRoot.appendingPathComponent("examples/\(file)").path
        let r = try await runCLI(["-H", host, path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(!r.stdout.isEmpty)
        let left = try await runLua("""
            local d = dmap.client()
            local n = 0
            for name in pairs(d:get_container_names()) do if name:find("\(prefix)", 1, true) then n = n + 1 end end
            for tag in pairs(d:get_image_tags()) do if tag:find("\(prefix)", 1, true) then n = n + 1 end end
            report(n)
            """)
        #expect(left.last == [0])
    }
}

@Suite("Examples: container maps")
struct MapExampleTests {
    @Test("examples/map.lua reads its maps and prints what they mean, with the map's problems at their places")
    func mapExample() async throws {
        let path = TestEnv.repositoryRoot.appendingPathComponent("examples/map.lua").path
        let r = try await runCLI([path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("web depends on: shop.backend, shop.pgdata, shop.db, shop.uploads, shop.api.one, shop.api.two"))
        #expect(r.stdout.contains("api  image registry.example.com/shop/api:1.0"))
        #expect(r.stdout.contains("shop.web.links[1]: unknown container 'apii' (did you mean 'api'?)"))
        #expect(r.stdout.contains("webapp: web_server, app_server"))
    }
}

@Suite("Examples: bringing a map up and down")
struct StartupExampleTests {
    @Test("examples/startup.lua plans, starts, finds nothing to do the second time, and leaves nothing behind")
    func startupExample() async throws {
        let host = try TestEnv.host
        let path = TestEnv.repositoryRoot.appendingPathComponent("examples/startup.lua").path
        let r = try await runCLI(["-H", host, path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("plan: 11 steps") && r.stdout.contains("startup: 11 steps"))
        #expect(r.stdout.contains("startup again: 0 steps"))
        #expect(r.stdout.contains("db reachable"))
        #expect(r.stdout.contains("shutdown: 6 steps"))
        let left = try await runLua("""
            local d = dmap.client()
            local n = 0
            for name in pairs(d:get_container_names()) do if name:find("dmap-startup-example", 1, true) then n = n + 1 end end
            for _, v in ipairs(d:volumes().Volumes or {}) do if v.Name:find("dmap-startup-example", 1, true) then n = n + 1 end end
            for _, v in ipairs(d:networks()) do if v.Name:find("dmap-startup-example", 1, true) then n = n + 1 end end
            report(n)
            """, host: host)
        #expect(left.last == [0])
    }
}
