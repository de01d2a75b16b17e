import Foundation
import Testing
import DockerMapLua

/// `dmap.dockerfile` + `dmap.context` built on the real engine: files land where the Dockerfile put them, with
/// their content and modes.
@Suite("Dockerfile and context builds (real engine)")
struct DockerfileBuildTests {
    /// A scratch directory with a text file, an executable script, a tarball holding `arch/a.txt`, and a data
    /// directory with a `.dockerignore`.
    func withFiles(_ body: (String) async throws -> Void) async throws {
        let dir = NSTemporaryDirectory() + "dmap-df-\(UUID().uuidString.prefix(8))"
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/src/arch", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/data/logs", withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: dir) }
        try "hello from a file\n".write(toFile: dir + "/src/hello.txt", atomically: true, encoding: .utf8)
        try "#!/bin/sh\necho run\n".write(toFile: dir + "/src/run.sh", atomically: true, encoding: .utf8)
        chmod(dir + "/src/run.sh", 0o750)
        try "from the archive\n".write(toFile: dir + "/src/arch/a.txt", atomically: true, encoding: .utf8)
        try "kept\n".write(toFile: dir + "/data/keep.txt", atomically: true, encoding: .utf8)
        try "dropped\n".write(toFile: dir + "/data/logs/x.log", atomically: true, encoding: .utf8)
        try "logs\n".write(toFile: dir + "/data/.dockerignore", atomically: true, encoding: .utf8)
        // Only a Dockerfile's own ignore file takes precedence; this one is an ordinary file here.
        try "keep.txt\n".write(toFile: dir + "/data/.dockerignore.dockerignore", atomically: true, encoding: .utf8)
        let tar = try await runProgram("/usr/bin/tar", ["-czf", dir + "/arch.tar.gz", "-C", dir + "/src", "arch"])
        try #require(tar.status == 0)
        try await body(dir)
    }

    @Test("build_from_file: add_file and add_archive put files where the Dockerfile says, with content and modes")
    func fromFile() async throws {
        let repo = TestEnv.unique("dffile")
        try await withFiles { dir in
            let r = try await runLua("""
                local d = dmap.client()
                local df = dmap.dockerfile{baseimage = "busybox:latest",
                  command = {"sh", "-c", "cat /app/hello.txt /arch/a.txt; ls -l /app/run.sh | cut -c1-10"}}
                df:add_file("\(dir)/src/hello.txt", "/app/hello.txt")
                df:add_file("\(dir)/src/run.sh", "/app/run.sh")
                local names = df:add_archive("\(dir)/arch.tar.gz")
                local id, err = d:build_from_file(df, "\(repo):1", {add_latest_tag = true})
                assert(id, tostring(err))
                local c = d:create_container{Image = id}
                d:start(c.Id); d:wait(c.Id)
                local out = d:logs(c.Id).stdout
                d:remove_container(c.Id)
                local tags = d:inspect_image(id).RepoTags
                for _, t in ipairs(tags) do d:remove_image(t) end
                report(out, names, #tags)
                """)
            #expect(r.last == ["hello from a file\nfrom the archive\n-rwxr-x---\n", ["arch"], 2])
        }
    }

    @Test("build_from_context: a Dockerfile path, ctx:add of a directory honouring its .dockerignore, bz2")
    func fromContext() async throws {
        let repo = TestEnv.unique("dfctx")
        try await withFiles { dir in
            try "FROM busybox:latest\nCOPY data /data\nCMD [\"sh\", \"-c\", \"cd /data && find . | sort\"]\n"
                .write(toFile: dir + "/Dockerfile.custom", atomically: true, encoding: .utf8)
            let r = try await runLua("""
                local d = dmap.client()
                local ctx = dmap.context{compression = "bz2"}
                ctx:add_dockerfile("\(dir)/Dockerfile.custom")
                ctx:add("\(dir)/data", "data")
                local id, err = d:build_from_context(ctx, "\(repo):1")
                assert(id, tostring(err))
                local c = d:create_container{Image = id}
                d:start(c.Id); d:wait(c.Id)
                local out = d:logs(c.Id).stdout
                d:remove_container(c.Id)
                d:remove_image("\(repo):1")
                local ok, e = pcall(ctx.add, ctx, "\(dir)/src")
                -- The same context through build{context=}.
                local ctx2 = dmap.context{compression = false}
                ctx2:add_dockerfile("\(dir)/Dockerfile.custom")
                ctx2:add("\(dir)/data", "data")
                local id2, err2 = d:build{tag = "\(repo):2", context = ctx2}
                assert(id2, tostring(err2))
                d:remove_image("\(repo):2")
                report(out, ok, e and e.kind)
                """)
            #expect(r.last == [".\n./.dockerignore\n./.dockerignore.dockerignore\n./keep.txt\n", false, "usage"])
        }
    }

    @Test("ctx:save writes a tarball that GNU tar and Python's tarfile read")
    func save() async throws {
        try await withFiles { dir in
            try await runLua("""
                local df = dmap.dockerfile{baseimage = "busybox:latest"}
                df:add_file("\(dir)/src/run.sh", "bin/run.sh")
                local ctx = dmap.context{dockerfile = df, compression = "gz"}
                ctx:add("\(dir)/src/arch", "extra")
                assert(ctx:save("\(dir)/ctx.tar.gz"))
                """)
            let gnu = try await runProgram("/usr/bin/tar", ["-tvzf", dir + "/ctx.tar.gz"])
            #expect(gnu.status == 0)
            #expect(gnu.stdout.contains("bin/run.sh") && gnu.stdout.contains("Dockerfile") && gnu.stdout.contains("extra/a.txt"))
            #expect(gnu.stdout.contains("-rwxr-x---"))
            let python = try await runProgram("/usr/bin/python3", ["-c", """
                import sys, tarfile
                with tarfile.open(sys.argv[1]) as t:
                    print(sorted(m.name for m in t.getmembers()))
                    print(t.extractfile("Dockerfile").read().decode().splitlines()[0])
                """, dir + "/ctx.tar.gz"])
            #expect(python.status == 0, "\(python.stderr)")
            #expect(python.stdout == "['Dockerfile', 'bin/run.sh', 'extra', 'extra/a.txt']\nFROM busybox:latest\n")
        }
    }

    @Test("missing sources and wrong kinds of path fail with errors naming the path, before the engine is asked")
    func errors() async throws {
        try await withFiles { dir in
            try await runLua("""
                -- No engine is reachable at this address: every failure below must come before any request.
                local d = dmap.client{base_url = "unix:///nonexistent/dmap.sock"}
                local df = dmap.dockerfile{baseimage = "busybox:latest"}
                df:add_file("\(dir)/src/missing.txt", "/x")
                local id, err = d:build_from_file(df, "x:1")
                assert(id == nil and err.kind ~= "connection" and err.message:find("missing.txt", 1, true), tostring(err))
                local ctx = dmap.context{}
                local ok, e = pcall(ctx.add_archive, ctx, "\(dir)/src")
                assert(not ok and e.message:find("\(dir)/src", 1, true), tostring(e))
                ok, e = pcall(ctx.add_dockerfile, ctx, "\(dir)/src")
                assert(not ok and e.message:find("is a directory"), tostring(e))
                ok, e = pcall(ctx.add, ctx, "\(dir)/nothing")
                assert(not ok and e.kind == "usage" and e.message:find("nothing"), tostring(e))
                ok, e = pcall(dmap.context, {compression = "zip"})
                assert(not ok and e.kind == "usage", tostring(e))
                """)
        }
    }
}
