import Foundation
import Testing
import DockerMapLua

/// Names, tags, logs to push_log, and streaming an image or a container's files to disk.
@Suite("Client tools (real engine)")
struct ToolTests {
    @Test("get_container_names, get_image_tags and push_container_logs (lines in the order written)")
    func namesTagsLogs() async throws {
        let name = TestEnv.unique("tools")
        let r = try await runLua("""
            local d = dmap.client()
            d:create_container{name = "\(name)", Image = "busybox:latest", Cmd = {"sh", "-c", "echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three"}}
            d:start("\(name)"); d:wait("\(name)")
            local names = d:get_container_names()
            local tags = d:get_image_tags()
            local lines = {}
            d.push_log = function(self, message, level) lines[#lines + 1] = level .. ":" .. message end
            d:push_container_logs("\(name)")
            d:remove_container("\(name)")
            report(names["\(name)"], tags["busybox:latest"] == d:inspect_image("busybox:latest").Id, lines)
            """)
        let expected: [Value] = [true, true, [.string("info:[\(name)] one"), .string("info:[\(name)] two"), .string("info:[\(name)] three")]]
        #expect(r.last == expected)
    }

    @Test("save_image and copy_resource stream to files that tar can read; a failure leaves no file")
    func saveAndCopy() async throws {
        let name = TestEnv.unique("copy")
        let dir = NSTemporaryDirectory() + "dmap-save-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await runLua("""
            local d = dmap.client()
            assert(d:save_image("busybox:latest", "\(dir)/busybox.tar") == true)
            d:create_container{name = "\(name)", Image = "busybox:latest", Cmd = {"sh", "-c", "mkdir -p /data && echo hello > /data/greeting"}}
            d:start("\(name)"); d:wait("\(name)")
            assert(d:copy_resource("\(name)", "/data", "\(dir)/data.tar") == true)
            local ok, err = pcall(d.copy_resource, d, "\(name)", "/nonexistent", "\(dir)/missing.tar")
            assert(not ok and err.kind == "not_found", tostring(err))
            ok, err = pcall(d.save_image, d, "no-such-image:1", "\(dir)/missing2.tar")
            assert(not ok and err.kind == "not_found", tostring(err))
            d:remove_container("\(name)")
            """)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files == ["busybox.tar", "data.tar"])
        let listing = try tarList(dir + "/busybox.tar")
        #expect(listing.contains("manifest.json"))
        let data = try tarList(dir + "/data.tar")
        #expect(data.contains("data/greeting"))
    }

    func tarList(_ path: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        p.arguments = ["-tf", path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }
}
