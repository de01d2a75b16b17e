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
