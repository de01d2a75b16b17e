import Foundation
import Testing
import DockerMapLua

/// `docker:build` against the real engine: tags, failures, build arguments and `.dockerignore`.
@Suite("Build (real engine)")
struct BuildTests {
    /// A context directory with `files` (path → contents), removed afterwards.
    func withContext(_ files: [String: String], _ body: (String) async throws -> Void) async throws {
        let dir = NSTemporaryDirectory() + "dmap-build-\(UUID().uuidString.prefix(8))"
        for (path, text) in files {
            let full = dir + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await body(dir)
    }

    @Test("build returns the id; the image carries the tag, add_tags and latest; every line reaches push_log")
    func tags() async throws {
        let repo = TestEnv.unique("build")
        try await withContext(["Dockerfile": "FROM busybox:latest\nRUN echo built > /built\nCMD [\"cat\", \"/built\"]\n"]) { dir in
            let r = try await runLua("""
                local d = dmap.client()
                local lines = {}
                d.push_log = function(self, msg, level) lines[#lines + 1] = msg end
                local id, err = d:build{tag = "\(repo):1.2", path = "\(dir)", add_tags = {"\(repo):stable", "extra"}, add_latest_tag = true}
                assert(id, tostring(err))
                local tags = d:inspect_image(id).RepoTags
                table.sort(tags)
                local step = false
                for _, l in ipairs(lines) do if l:find("^Step 1/3 : FROM busybox:latest") then step = true end end
                for _, t in ipairs(tags) do d:remove_image(t) end
                report(id:sub(1, 7), tags, step)
                """)
            #expect(r.last[0] == "sha256:")
            #expect(r.last[1] == .array(["\(repo):1.2", "\(repo):extra", "\(repo):latest", "\(repo):stable"].map { .string($0) }))
            #expect(r.last[2] == true)
        }
    }

    @Test("a failing build returns nil and the engine's message, adds no tags; raise_on_error raises")
    func failure() async throws {
        let repo = TestEnv.unique("fail")
        try await withContext(["Dockerfile": "FROM busybox:latest\nRUN echo about to fail && false\n"]) { dir in
            let r = try await runLua("""
                local d = dmap.client()
                local errors = {}
                d.push_log = function(self, msg, level) if level == "error" then errors[#errors + 1] = msg end end
                local id, err = d:build{tag = "\(repo):1", path = "\(dir)", add_tags = {"x"}, add_latest_tag = true}
                assert(id == nil and err.kind == "build", tostring(err))
                assert(err.message:find("returned a non%-zero code: 1"), err.message)
                assert(#errors >= 1, "the error reached push_log")
                local ok, raised = pcall(d.build, d, {tag = "\(repo):1", path = "\(dir)", raise_on_error = true})
                assert(not ok and raised.kind == "build")
                local left = 0
                for tag in pairs(d:get_image_tags()) do if tag:find("\(repo)", 1, true) then left = left + 1 end end
                report(left)
                """)
            #expect(r.last == [0])
        }
    }

    @Test("bad arguments raise usage errors naming the problem")
    func usage() async throws {
        try await runLua("""
            local d = dmap.client()
            local ok, err = pcall(d.build, d, {path = "/tmp"})
            assert(not ok and err.kind == "usage" and err.message:find("'tag' is required"), tostring(err))
            ok, err = pcall(d.build, d, {tag = "x:1", path = "/nonexistent/ctx"})
            assert(not ok and err.kind == "usage" and err.message:find("not a directory"), tostring(err))
            ok, err = pcall(d.build, d, {tag = "x:1", path = "/tmp", nocahce = true})
            assert(not ok and err.message:find("did you mean 'nocache'"), tostring(err))
            ok, err = pcall(d.build, d, 5)
            assert(not ok and err.message == "bad argument #2 to 'build' (table expected, got number)", tostring(err))
            """)
    }

    @Test("buildargs, labels, extra_hosts and dockerfile (relative or absolute) pass through")
    func arguments() async throws {
        let repo = TestEnv.unique("args")
        try await withContext(["build/Custom.dockerfile": "FROM busybox:latest\nARG GREETING\nRUN echo $GREETING > /greeting && grep -q dmaphost /etc/hosts\nCMD [\"cat\", \"/greeting\"]\n"]) { dir in
            let r = try await runLua("""
                local d = dmap.client()
                local id = assert(d:build{tag = "\(repo):1", path = "\(dir)", dockerfile = "build/Custom.dockerfile",
                                          buildargs = {GREETING = "hello args"}, labels = {team = "dmap"}, nocache = true,
                                          extra_hosts = {dmaphost = "10.1.2.3"}})
                local id2, err2 = d:build{tag = "\(repo):2", path = "\(dir)", dockerfile = "\(dir)/build/Custom.dockerfile",
                                          buildargs = {GREETING = "x"}, extra_hosts = {"dmaphost:10.1.2.4"}}
                assert(id2, tostring(err2))
                d:remove_image("\(repo):2")
                local c = d:create_container{Image = id}
                d:start(c.Id); d:wait(c.Id)
                local out = d:logs(c.Id).stdout
                d:remove_container(c.Id)
                local label = d:inspect_image(id).Config.Labels.team
                d:remove_image("\(repo):1")
                report(out, label)
                """)
            #expect(r.last == ["hello args\n", "dmap"])
        }
    }

    @Test(".dockerignore is honoured as the engine's own client does: **, ! exceptions, directories, last match wins")
    func dockerignore() async throws {
        let repo = TestEnv.unique("ignore")
        let ignore = """
            # a comment
            **/*.log
            !keep/important.log
            build
            docs/*.md
            !docs/README.md
            !README.md
            *.md
            x.tmp
            !x.tmp
            """
        let files = [
            "Dockerfile": "FROM busybox:latest\nCOPY . /ctx\nCMD [\"sh\", \"-c\", \"cd /ctx && find . | sort\"]\n",
            ".dockerignore": ignore, "a.txt": "a", "b.log": "b", "sub/c.log": "c", "keep/important.log": "i",
            "keep/other.log": "o", "build/x/y.txt": "y", "docs/guide.md": "g", "docs/README.md": "r", "docs/img.png": "p",
            "x.tmp": "x", "README.md": "R", "notes.md": "n",
        ]
        try await withContext(files) { dir in
            let r = try await runLua("""
                local d = dmap.client()
                local id, err = d:build{tag = "\(repo):1", path = "\(dir)"}
                assert(id, tostring(err))
                local c = d:create_container{Image = id}
                d:start(c.Id); d:wait(c.Id)
                local out = d:logs(c.Id).stdout
                d:remove_container(c.Id)
                d:remove_image("\(repo):1")
                report(out)
                """)
            let listed = (r.last.first?.stringValue ?? "").split(separator: "\n").map(String.init)
            #expect(listed == [
                ".", "./.dockerignore", "./Dockerfile", "./a.txt", "./docs", "./docs/README.md", "./docs/img.png", "./keep",
                "./keep/important.log", "./sub", "./x.tmp",
            ])
        }
    }
}
