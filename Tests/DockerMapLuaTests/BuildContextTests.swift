import Foundation
import NIOCore
import Testing
@testable import DockerMapLua

@Suite("Build: context directory")
struct BuildContextTests {
    /// Creates a file whose name is not UTF-8 in `directory`: walking into it is an error, so finding none proves
    /// that the walk did not go there.
    static func plantNonUTF8Name(in directory: String) throws {
        var path = Array(directory.utf8) + [UInt8(ascii: "/"), 0xFF, 0xFE, 0]
        let fd = path.withUnsafeMutableBytes { open($0.baseAddress!.assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
        #expect(fd >= 0)
        close(fd)
    }

    static func makeTree(_ scratch: BuildScratchDirectory) throws {
        try scratch.file(
            ".dockerignore",
            """
            # build output and secrets
            *.log
            build
            !build/keep.txt
            secret/
            Dockerfile
            .dockerignore
            **/*.tmp
            """)
        try scratch.file("Dockerfile", "FROM scratch\nCOPY . /ctx/\n")
        try scratch.file("app/main.c", "int main(void) { return 0; }\n")
        try scratch.file("app/run.sh", "#!/bin/sh\n", mode: 0o755)
        try scratch.file("app/debug.log", "noise")
        try scratch.file("app/deep/x.tmp", "tmp")
        try scratch.file("build/out.o", "object")
        try scratch.file("build/keep.txt", "keep me")
        try scratch.file("secret/key", "hunter2")
        try plantNonUTF8Name(in: scratch.path + "/secret")
        try scratch.file("notes.log", "log")
        try scratch.directory("empty")
        try scratch.symlink("link", to: "app/main.c")
        try scratch.symlink("dirlink", to: "app")
        try scratch.symlink("dangling", to: "/nonexistent/target")
    }

    @Test("exactly the expected members, in walk order; ignore file applied; Dockerfile and .dockerignore kept")
    func members() throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        try Self.makeTree(scratch)
        let context = try BuildContext.directory(path: scratch.path)
        // `*.log` does not cross `/`: app/debug.log stays; `**/*.tmp` does, so app/deep/x.tmp goes. `build` is
        // excluded but entered for build/keep.txt, and is itself no member (as in moby); `secret` is not entered.
        #expect(
            context.names == [
                ".dockerignore", "Dockerfile", "app", "app/debug.log", "app/deep", "app/main.c", "app/run.sh",
                "build/keep.txt", "dangling", "dirlink", "empty", "link",
            ])
        #expect(context.dockerfile == "Dockerfile")
        #expect(context.ignoreFile == ".dockerignore")
        let byName = Dictionary(uniqueKeysWithValues: context.items.map { ($0.entry.name, $0.entry) })
        #expect(byName["dirlink"]?.kind == .symlink(target: "app"))
        #expect(byName["dangling"]?.kind == .symlink(target: "/nonexistent/target"))
        #expect(byName["empty"]?.kind == .directory)
        #expect(byName["app/run.sh"]?.mode == 0o755)
        #expect(byName["app/main.c"]?.kind == .file(size: 29))
        #expect(context.items.allSatisfy { $0.entry.uid == 0 && $0.entry.gid == 0 })
    }

    @Test("the archive extracts to exactly the included tree")
    func extracts() async throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        try Self.makeTree(scratch)
        let out = try BuildScratchDirectory()
        defer { out.remove() }
        try await writeArchive(BuildContext.directory(path: scratch.path), to: out.path + "/ctx.tar")
        try out.directory("x")
        let (status, output) = try runTool("/usr/bin/tar", ["-xf", out.path + "/ctx.tar", "-C", out.path + "/x"])
        #expect(status == 0, "\(output)")
        let found = try FileManager.default.subpathsOfDirectory(atPath: out.path + "/x").sorted()
        #expect(
            found == [
                ".dockerignore", "Dockerfile", "app", "app/debug.log", "app/deep", "app/main.c", "app/run.sh", "build",
                "build/keep.txt", "dangling", "dirlink", "empty", "link",
            ])
        #expect(FileManager.default.contents(atPath: out.path + "/x/build/keep.txt") == Data("keep me".utf8))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out.path + "/x/link") == "app/main.c")
    }

    @Test("<Dockerfile>.dockerignore takes precedence, and a Dockerfile in an excluded directory is still sent")
    func dockerfileIgnore() throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        try scratch.file(".dockerignore", "*.md\n")
        try scratch.file("docker/app.Dockerfile", "FROM scratch\n")
        try scratch.file("docker/app.Dockerfile.dockerignore", "docker\nsrc/*.gen\n")
        try scratch.file("docker/other", "")
        try scratch.file("README.md", "")
        try scratch.file("src/a.c", "")
        try scratch.file("src/b.gen", "")
        let context = try BuildContext.directory(path: scratch.path, dockerfile: "docker/app.Dockerfile")
        #expect(context.ignoreFile == "docker/app.Dockerfile.dockerignore")
        #expect(context.names == [".dockerignore", "README.md", "docker/app.Dockerfile", "src", "src/a.c"])
        let absolute = try BuildContext.directory(path: scratch.path, dockerfile: scratch.path + "/docker/app.Dockerfile")
        #expect(absolute.names == context.names && absolute.dockerfile == "docker/app.Dockerfile")
    }

    @Test("an exception that reaches below an excluded directory is honoured, wildcards included")
    func wildcardException() throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        try scratch.file(".dockerignore", "vendor\n!**/*.go\n")
        try scratch.file("vendor/lib/x.go", "")
        try scratch.file("vendor/lib/x.c", "")
        try scratch.file("main.go", "")
        let context = try BuildContext.directory(path: scratch.path)
        #expect(context.names == [".dockerignore", "main.go", "vendor/lib/x.go"])
    }

    @Test("a big file streams in bounded pieces", .timeLimit(.minutes(2)))
    func boundedStreaming() async throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let size = 50 << 20
        _ = FileManager.default.createFile(atPath: scratch.path + "/big.bin", contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch.path + "/big.bin"))
        let block = BuildTarTests.noise(1 << 20)
        for _ in 0..<50 { try handle.write(contentsOf: block) }
        try handle.close()
        try scratch.file("Dockerfile", "FROM scratch\n")

        let context = try BuildContext.directory(path: scratch.path)
        var sizes: [Int] = []
        var total = 0
        try await context.write { chunk in
            sizes.append(chunk.readableBytes)
            total += chunk.readableBytes
        }
        #expect(sizes.count >= 50)
        let largest = sizes.max() ?? 0
        #expect(largest <= TarWriter.defaultChunkSize + 1536)
        #expect(total == 512 + size + 512 + 512 + 1024)

        let out = try BuildScratchDirectory()
        defer { out.remove() }
        try await writeArchive(context, to: out.path + "/big.tar")
        let (status, listing) = try runTool("/usr/bin/tar", ["-tvf", out.path + "/big.tar"])
        #expect(status == 0)
        #expect(listing.contains("52428800"))
    }

    @Test("errors: not a directory, Dockerfile outside, malformed ignore file, file vanished, name not UTF-8")
    func errors() async throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        try scratch.file("plain", "x")
        var error = try #require(throws: DMapError.self) { try BuildContext.directory(path: scratch.path + "/plain") }
        #expect(error.kind == .config)
        error = try #require(throws: DMapError.self) { try BuildContext.directory(path: scratch.path + "/missing") }
        #expect(error.kind == .config)
        error = try #require(throws: DMapError.self) { try BuildContext.directory(path: scratch.path, dockerfile: "../Dockerfile") }
        #expect(error.kind == .config && error.message.contains("inside"))

        try scratch.file(".dockerignore", "ok\n\n[oops\n")
        error = try #require(throws: DMapError.self) { try BuildContext.directory(path: scratch.path) }
        #expect(error.kind == .config && error.message.contains("line 3"), "\(error.message)")

        try scratch.file(".dockerignore", "")
        try scratch.file("gone.txt", "soon gone")
        let context = try BuildContext.directory(path: scratch.path)
        try FileManager.default.removeItem(atPath: scratch.path + "/gone.txt")
        let failure = await #expect(throws: DMapError.self) { try await context.write { _ in } }
        #expect(failure?.kind == .build && failure?.object == "gone.txt")

        try Self.plantNonUTF8Name(in: scratch.path)
        error = try #require(throws: DMapError.self) { try BuildContext.directory(path: scratch.path) }
        #expect(error.kind == .build)
    }

    @Test("explicit members: files and directories from disk under chosen names, plus files held in memory")
    func explicitMembers() async throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        try scratch.file("conf/app.ini", "[app]\n")
        try scratch.file("conf/sub/more.ini", "")
        try scratch.symlink("conf/latest", to: "app.ini")
        let script = try scratch.file("tools/run.sh", "#!/bin/sh\n", mode: 0o755)
        let context = try BuildContext.files(
            [(path: scratch.path + "/conf", name: "etc/app"), (path: script, name: "/usr/bin/run")],
            contents: [(name: "Dockerfile", data: ByteBuffer(string: "FROM scratch\nCOPY . /\n"))])
        #expect(
            context.names == [
                "etc/app", "etc/app/app.ini", "etc/app/latest", "etc/app/sub", "etc/app/sub/more.ini", "usr/bin/run",
                "Dockerfile",
            ])
        #expect(context.items.first { $0.entry.name == "usr/bin/run" }?.entry.mode == 0o755)

        let out = try BuildScratchDirectory()
        defer { out.remove() }
        try await writeArchive(context, to: out.path + "/x.tar")
        try out.directory("x")
        let (status, output) = try runTool("/usr/bin/tar", ["-xf", out.path + "/x.tar", "-C", out.path + "/x"])
        #expect(status == 0, "\(output)")
        #expect(FileManager.default.contents(atPath: out.path + "/x/Dockerfile") == Data("FROM scratch\nCOPY . /\n".utf8))
        #expect(FileManager.default.contents(atPath: out.path + "/x/etc/app/app.ini") == Data("[app]\n".utf8))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: out.path + "/x/etc/app/latest") == "app.ini")

        var missing = BuildContext()
        let error = try #require(throws: DMapError.self) { try missing.add(path: scratch.path + "/nope", as: "x") }
        #expect(error.kind == .build && error.message.contains("nope"))
    }
}
