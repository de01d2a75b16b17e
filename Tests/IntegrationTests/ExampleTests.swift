import Foundation
import Testing
import DockerMapLua

/// The examples under examples/ run as tests, through the command, against the test engine.
@Suite("Examples")
struct ExampleTests {
    @Test("Each example runs to the end and leaves nothing behind", arguments: ["quickstart.lua", "errors.lua"])
    func example(file: String) throws {
        let host = try TestEnv.host
        let path = TestEnv.repositoryRoot.appendingPathComponent("examples/\(file)").path
        let before = try runLua("report(#dmap.client():containers{all = true})")
        let r = try runCLI(["-H", host, path])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(!r.stdout.isEmpty)
        let after = try runLua("report(#dmap.client():containers{all = true})")
        #expect(before.last == after.last)
    }
}
