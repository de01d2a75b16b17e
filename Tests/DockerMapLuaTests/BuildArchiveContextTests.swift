import Foundation
import NIOCore
import Testing
@testable import DockerMapLua

/// Copying the members of GNU-tar-made archives into a build context, compressing it, and saving it.
@Suite("Build: archives in a context, compression, save")
struct BuildArchiveContextTests {
    static let long300 = ["a", "b", "c"].map { String(repeating: $0, count: 99) }.joined(separator: "/") + "/file.txt"
    static let longComponent = String(repeating: "x", count: 150)
    static let unicode = "ünïcødé/日本語 ファイル.txt"

    /// A tree with every kind of member GNU tar stores: long names and link targets, Unicode, symlinks, a hard
    /// link, special modes, an empty directory, a large file.
    static func richTree(_ scratch: BuildScratchDirectory, longNames: Bool = true) throws -> String {
        try scratch.file("src/plain.txt", "plain\n")
        try scratch.file("src/\(unicode)", "こんにちは\n")
        try scratch.file("src/bin/run.sh", "#!/bin/sh\necho hi\n", mode: 0o755)
        try scratch.file("src/secret", "s3cr3t\n", mode: 0o600)
        try scratch.file("src/setuid", "#!/bin/sh\n", mode: 0o4755)
        try scratch.file("src/data/big.bin", data: BuildTarTests.noise(2_000_003))
        try scratch.directory("src/empty")
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: scratch.path + "/src/empty")
        try scratch.symlink("src/link", to: unicode)
        try FileManager.default.linkItem(atPath: scratch.path + "/src/plain.txt", toPath: scratch.path + "/src/hard")
        if longNames {
            try scratch.file("src/\(long300)", "three hundred\n")
            try scratch.file("src/\(longComponent)", "long component\n")
            try scratch.symlink("src/longlink", to: long300)
        }
        return scratch.path + "/src"
    }

    /// Every member of the archive at `path` as Python's tarfile reads it: one line per member with the name (a
    /// leading `./` and the root left out), type, mode, size, link target, time, owner and the SHA-256 of the data.
    static func pythonListing(_ path: String) throws -> [String] {
        let script = """
            import tarfile, sys, hashlib
            def clean(n):
                while n.startswith("./"): n = n[2:]
                return n
            with tarfile.open(sys.argv[1], "r:*") as t:
                for m in t:
                    name = clean(m.name)
                    if name in ("", "."): continue
                    digest = hashlib.sha256(t.extractfile(m).read()).hexdigest() if m.isreg() else "-"
                    link = clean(m.linkname) if m.islnk() else m.linkname
                    size = m.size if m.isreg() else 0
                    print("|".join(map(str, [name, m.type.decode(), oct(m.mode), size, link, int(m.mtime), m.uid, m.gid, digest])))
            """
        let (status, output) = try runTool(pythonPath(), ["-c", script, path])
        #expect(status == 0, "\(output)")
        return output.split(separator: "\n").map(String.init)
    }

    /// Makes an archive of `source` with GNU tar (`-C source .`, so every name starts with `./`).
    static func gnuTar(_ source: String, to archive: String, flag: String, format: String) throws {
        let (status, output) = try runTool(
            "/usr/bin/tar", ["--format=\(format)", "-c\(flag)f", archive, "-C", source, "."])
        #expect(status == 0, "\(output)")
    }

    /// The first bytes of a file.
    static func magic(_ path: String) -> [UInt8] {
        Array((FileManager.default.contents(atPath: path) ?? Data()).prefix(3))
    }

    @Test(
        "members of a GNU tar archive are copied exactly; GNU tar and Python read the saved context",
        arguments: [
            ("gnu", "", CompressionFormat.gzip), ("posix", "z", .bzip2), ("gnu", "j", nil), ("posix", "", .gzip),
            ("ustar", "z", .gzip),
        ] as [(String, String, CompressionFormat?)])
    func copyMembers(format: String, flag: String, compression: CompressionFormat?) async throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let source = try Self.richTree(scratch, longNames: format != "ustar")
        let archive = scratch.path + "/in.tar"
        try Self.gnuTar(source, to: archive, flag: flag, format: format)

        var context = BuildContext()
        try context.add(text: "FROM scratch\n", as: "Dockerfile", mtime: 0)
        let added = try context.add(archive: archive)
        #expect(added.contains("hard") && added.contains("link") && added.contains("empty") && !added.contains("."))
        #expect(added.allSatisfy { !$0.hasPrefix("./") })
        let out = scratch.path + "/context.tar"
        try await context.save(to: out, compression: compression)

        let expectedMagic: [UInt8]? = [.gzip: [0x1f, 0x8b, 0x08], .bzip2: Array("BZh".utf8)][compression]
        if let expectedMagic { #expect(Self.magic(out) == expectedMagic) }

        let original = try Self.pythonListing(archive)
        let copied = try Self.pythonListing(out)
        #expect(copied.first?.hasPrefix("Dockerfile|0|") == true)
        #expect(Array(copied.dropFirst()) == original)
        #expect(original.count >= 10)
        #expect(
            copied.contains {
                ($0.hasPrefix("hard|1|") && $0.contains("|plain.txt|"))
                    || ($0.hasPrefix("plain.txt|1|") && $0.contains("|hard|"))
            })
        #expect(copied.contains { $0.hasPrefix("setuid|0|0o4755|") })

        let (listed, listing) = try runTool("/usr/bin/tar", ["--quoting-style=literal", "-tvf", out])
        #expect(listed == 0, "\(listing)")
        #expect(listing.contains("hard link to plain.txt") || listing.contains("plain.txt link to hard"))
        #expect(listing.contains("link -> \(Self.unicode)"))
        #expect(listing.contains("-rwsr-xr-x"))
        #expect(listing.contains("drwxr-x--- ") && listing.contains(" empty/"))
        if format != "ustar" { #expect(listing.contains(Self.long300)) }

        try scratch.directory("x")
        let (extracted, output) = try runTool("/usr/bin/tar", ["-xf", out, "-C", scratch.path + "/x"])
        #expect(extracted == 0, "\(output)")
        #expect(FileManager.default.contentsEqual(atPath: scratch.path + "/x/data/big.bin", andPath: source + "/data/big.bin"))
        #expect(FileManager.default.contents(atPath: scratch.path + "/x/hard") == Data("plain\n".utf8))
    }

    /// An archive of the rich tree whose members come in a known order: `plain.txt`, then `hard` (a hard link to
    /// it), `data`, `secret`, `link`.
    static func orderedArchive(_ scratch: BuildScratchDirectory, flag: String) throws -> (String, String) {
        let source = try Self.richTree(scratch, longNames: false)
        let archive = scratch.path + "/in.tar"
        let (status, output) = try runTool(
            "/usr/bin/tar", ["-c\(flag)f", archive, "-C", source, "plain.txt", "hard", "data", "secret", "link"])
        #expect(status == 0, "\(output)")
        return (source, archive)
    }

    /// Extracts `archive` with GNU tar into a new directory `x`, returning its path.
    static func extract(_ archive: String, _ scratch: BuildScratchDirectory) throws -> String {
        try scratch.directory("x")
        let (status, output) = try runTool("/usr/bin/tar", ["-xf", archive, "-C", scratch.path + "/x"])
        #expect(status == 0, "\(output)")
        return scratch.path + "/x"
    }

    @Test("archive members replace earlier members in place, later files replace them; archives read again as needed",
        arguments: ["", "z"])
    func replacement(flag: String) async throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let (source, archive) = try Self.orderedArchive(scratch, flag: flag)
        var context = BuildContext()
        try context.add(text: "old\n", as: "secret", mtime: 0)
        try context.add(archive: archive)
        try context.add(text: "new link\n", as: "link", mtime: 0)
        #expect(context.names == ["secret", "plain.txt", "hard", "data", "data/big.bin", "link"])
        let out = scratch.path + "/context.tar"
        try await context.save(to: out, compression: nil)
        let x = try Self.extract(out, scratch)
        #expect(FileManager.default.contents(atPath: x + "/secret") == Data("s3cr3t\n".utf8))
        #expect(FileManager.default.contents(atPath: x + "/hard") == Data("plain\n".utf8))
        #expect(FileManager.default.contents(atPath: x + "/link") == Data("new link\n".utf8))
        #expect(FileManager.default.contentsEqual(atPath: x + "/data/big.bin", andPath: source + "/data/big.bin"))
        #expect(try Self.pythonListing(out).contains { $0.hasPrefix("hard|1|0o644|0|plain.txt|") })
    }

    @Test("a hard link whose target comes later in the context, or was replaced, becomes a copy of the target",
        arguments: ["", "j"])
    func hardLinkCopies(flag: String) async throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let (_, archive) = try Self.orderedArchive(scratch, flag: flag)
        var early = BuildContext()
        try early.add(text: "placeholder\n", as: "hard", mtime: 0)
        try early.add(archive: archive)
        #expect(early.names.prefix(2) == ["hard", "plain.txt"])
        var replaced = BuildContext()
        try replaced.add(archive: archive)
        try replaced.add(text: "other\n", as: "plain.txt", mtime: 0)

        for (label, context) in [("early", early), ("replaced", replaced)] {
            let out = scratch.path + "/\(label).tar"
            try await context.save(to: out, compression: .gzip)
            let listing = try Self.pythonListing(out)
            #expect(listing.contains { $0.hasPrefix("hard|0|0o644|6||") }, "\(label): \(listing)")
            let x = try Self.extract(out, scratch)
            defer { try? FileManager.default.removeItem(atPath: x) }
            #expect(FileManager.default.contents(atPath: x + "/hard") == Data("plain\n".utf8), "\(label)")
        }
    }

    @Test("write(compression:) streams a gzip or bzip2 archive in bounded pieces", arguments: [
        CompressionFormat.gzip, .bzip2,
    ])
    func streamCompressed(compression: CompressionFormat) async throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let source = try Self.richTree(scratch)
        let archive = scratch.path + "/in.tgz"
        try Self.gnuTar(source, to: archive, flag: "z", format: "gnu")
        var context = BuildContext()
        try context.add(archive: archive)
        try context.add(path: source + "/data", as: "more/data")
        let out = scratch.path + "/streamed"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        var sizes: [Int] = []
        try await context.write(compression: compression, chunkSize: 64 << 10) { chunk in
            sizes.append(chunk.readableBytes)
            try handle.write(contentsOf: Data(chunk.readableBytesView))
        }
        try handle.close()
        #expect(sizes.max()! <= 64 << 10)
        #expect(sizes.count > 1)
        let expectedMagic: [UInt8] = compression == .gzip ? [0x1f, 0x8b, 0x08] : Array("BZh".utf8)
        #expect(Self.magic(out) == expectedMagic)
        let listing = try Self.pythonListing(out)
        #expect(Array(listing.prefix(listing.count - 2)) == (try Self.pythonListing(archive)))
        #expect(listing.suffix(2).map { $0.prefix(14) } == ["more/data|5|0o", "more/data/big."])
    }

    @Test("the uncompressed stream of a context with archive members is cut in bounded pieces")
    func plainChunks() async throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let source = try Self.richTree(scratch)
        let archive = scratch.path + "/in.tar"
        try Self.gnuTar(source, to: archive, flag: "", format: "posix")
        var context = BuildContext()
        try context.add(path: source + "/plain.txt", as: "first")
        try context.add(archive: archive)
        try context.add(path: source + "/data/big.bin", as: "last.bin")
        let out = scratch.path + "/out.tar"
        let sizes = try await writeArchive(context, to: out, chunkSize: 100_000)
        #expect(sizes.max()! <= 100_000 + 1536)
        #expect(sizes.dropLast().allSatisfy { $0 >= 50_000 })
        let listing = try Self.pythonListing(out)
        #expect(listing.first?.hasPrefix("first|0|") == true && listing.last?.hasPrefix("last.bin|0|") == true)
        #expect(Array(listing.dropFirst().dropLast()) == (try Self.pythonListing(archive)))
    }

    @Test("save: a failing source leaves no file and an existing destination untouched", arguments: [
        nil, CompressionFormat.gzip, .bzip2,
    ])
    func saveIsAtomic(compression: CompressionFormat?) async throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        try scratch.file("src/big.bin", data: BuildTarTests.noise(3_000_000))
        let doomed = try scratch.file("src/doomed.txt", "going away\n")
        try scratch.directory("out")
        let context = try BuildContext.directory(path: scratch.path + "/src")
        try FileManager.default.removeItem(atPath: doomed)

        let fresh = scratch.path + "/out/fresh.tar"
        await #expect(throws: DMapError.self) { try await context.save(to: fresh, compression: compression) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/out").isEmpty)

        let existing = try scratch.file("out/existing.tar", "precious\n")
        do {
            try await context.save(to: existing, compression: compression)
            Issue.record("no error")
        } catch let error as DMapError {
            #expect(error.kind == .build)
            #expect(error.message.contains("doomed.txt"), "\(error.message)")
        }
        #expect(FileManager.default.contents(atPath: existing) == Data("precious\n".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/out") == ["existing.tar"])

        // Once the file is back, the same context saves, replacing the existing file.
        try scratch.file("src/doomed.txt", "back\n")
        try await context.save(to: existing, compression: compression)
        let listing = try Self.pythonListing(existing)
        #expect(listing.map { $0.prefix { $0 != "|" } } == ["big.bin", "doomed.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/out") == ["existing.tar"])
    }

    @Test("save: a destination that cannot be written is an error naming it, leaving nothing behind")
    func saveErrors() async throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        var context = BuildContext()
        try context.add(text: "FROM scratch\n", as: "Dockerfile")
        for (destination, words) in [
            (scratch.path + "/missing/dir/out.tar", "No such file"), (scratch.path, "directory"),
        ] {
            do {
                try await context.save(to: destination, compression: .gzip)
                Issue.record("no error for \(destination)")
            } catch let error as DMapError {
                #expect(error.kind == .build)
                #expect(error.message.contains("'\(destination)'") && error.message.contains(words), "\(error.message)")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path).isEmpty)
    }

    @Test("add(archive:) errors name the path: missing, a directory, not a tar archive, a truncated gzip file")
    func addArchiveErrors() throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let text = try scratch.file("notes.txt", String(repeating: "not a tar archive\n", count: 100))
        let source = try BuildArchiveTests.smallTree(scratch)
        try scratch.file("src/big.bin", data: BuildTarTests.noise(1_000_000))
        let tgz = scratch.path + "/whole.tgz"
        try Self.gnuTar(source, to: tgz, flag: "z", format: "gnu")
        let data = try #require(FileManager.default.contents(atPath: tgz))
        let truncated = try scratch.file("truncated.tgz", data: data.prefix(data.count / 2))
        let cases: [(String, String)] = [
            (scratch.path + "/missing.tar", "No such file"), (scratch.path, "directory"),
            (text, "not a tar archive"), (truncated, "gzip"),
        ]
        let log = CompressSpawnLog()
        for (path, words) in cases {
            var context = BuildContext()
            do {
                try CompressProcess.$spawnLog.withValue(log) { try context.add(archive: path) }
                Issue.record("no error for \(path)")
            } catch let error as DMapError {
                #expect(error.kind == .config)
                #expect(error.object == path)
                #expect(error.message.contains("'\(path)'") && error.message.contains(words), "\(error.message)")
            }
            #expect(context.items.isEmpty)
        }
        #expect(log.started.count == 1)
        #expect(Self.unreaped(log).isEmpty)
    }

    @Test("an archive that changed between add and write is a build error naming it")
    func archiveChanged() async throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let source = try BuildArchiveTests.smallTree(scratch)
        let archive = scratch.path + "/in.tar"
        try Self.gnuTar(source, to: archive, flag: "", format: "gnu")
        var context = BuildContext()
        try context.add(archive: archive)
        try FileManager.default.removeItem(atPath: source + "/a.txt")
        try scratch.file("src/other.txt", "other\n")
        try FileManager.default.removeItem(atPath: archive)
        try Self.gnuTar(source, to: archive, flag: "", format: "gnu")
        let out = scratch.path + "/out.tar.gz"
        do {
            try await context.save(to: out, compression: .gzip)
            Issue.record("no error")
        } catch let error as DMapError {
            #expect(error.kind == .build)
            #expect(error.message.contains("'\(archive)'"), "\(error.message)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    struct SinkFailure: Error {}

    @Test("a sink that fails stops the compressor, which is reaped")
    func sinkFailure() async throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        try scratch.file("src/big.bin", data: BuildTarTests.noise(4_000_000))
        var context = BuildContext()
        try context.add(path: scratch.path + "/src", as: "src")
        let log = CompressSpawnLog()
        for compression in [CompressionFormat.gzip, .bzip2] {
            var calls = 0
            await #expect(throws: SinkFailure.self) {
                try await CompressProcess.$spawnLog.withValue(log) {
                    try await context.write(compression: compression, chunkSize: 65_536) { _ in
                        calls += 1
                        if calls == 2 { throw SinkFailure() }
                    }
                }
            }
        }
        #expect(log.started.count == 2)
        #expect(Self.unreaped(log).isEmpty)
    }

    @Test("hard link headers: type 1, the target in the link field or a PAX record, a valid checksum")
    func hardLinkHeader() throws {
        let short = Array(try TarFormat.hardLinkHeader(for: TarEntry(name: "b", kind: .file(size: 0)), target: "a")
            .readableBytesView)
        #expect(short.count == 512 && short[156] == UInt8(ascii: "1") && short[157] == UInt8(ascii: "a"))
        let parser = TarHeaderParser(short)
        #expect(parser.checksumMatches && parser.size == 0)
        let long = Array(try TarFormat.hardLinkHeader(for: TarEntry(name: "b", kind: .file(size: 0)), target: Self.long300)
            .readableBytesView)
        #expect(long.count == 1536 && long[156] == UInt8(ascii: "x") && long[1024 + 156] == UInt8(ascii: "1"))
        #expect(TarHeaderParser(Array(long[1024...])).checksumMatches)
    }

    /// The children in `log` that this process has not reaped (still running, or zombies).
    static func unreaped(_ log: CompressSpawnLog) -> [pid_t] {
        log.started.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == getpid()
        }
    }
}
