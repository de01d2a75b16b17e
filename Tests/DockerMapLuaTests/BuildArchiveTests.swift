import Foundation
import NIOCore
import Testing
@testable import DockerMapLua

/// Archives made by GNU tar, and what the tar reader makes of them.
@Suite("Build: archives")
struct BuildArchiveTests {
    /// A small tree: a file, a directory with a nested file, a symlink.
    static func smallTree(_ scratch: BuildScratchDirectory) throws -> String {
        try scratch.file("src/a.txt", "a\n")
        try scratch.file("src/dir/sub/b", "b\n")
        try scratch.symlink("src/link", to: "a.txt")
        return scratch.path + "/src"
    }

    @Test("top-level names of plain, gzip, bzip2 and xz archives made by GNU tar, './' prefixes stripped", arguments: [
        "", "z", "j", "J",
    ])
    func topLevelNames(flag: String) throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let source = try Self.smallTree(scratch)
        let dotted = scratch.path + "/dotted.tar"
        let named = scratch.path + "/named.tar"
        let (rc1, out1) = try runTool("/usr/bin/tar", ["-c\(flag)f", dotted, "-C", source, "."])
        #expect(rc1 == 0, "\(out1)")
        let (rc2, out2) = try runTool("/usr/bin/tar", ["-c\(flag)f", named, "-C", source, "link", "dir", "a.txt", "a.txt"])
        #expect(rc2 == 0, "\(out2)")

        let dottedNames = try TarReader.topLevelNames(ofArchive: dotted)
        #expect(Set(dottedNames) == ["a.txt", "dir", "link"])
        #expect(dottedNames.count == 3)
        #expect(try TarReader.topLevelNames(ofArchive: named) == ["link", "dir", "a.txt"])
        let expected: CompressionFormat? = ["z": .gzip, "j": .bzip2, "J": .xz][flag]
        #expect(try TarReader(path: named).compression == expected)
    }

    @Test("a missing file, a directory, a non-tar file and an empty file are config errors naming the path")
    func topLevelNamesErrors() throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let text = try scratch.file("notes.txt", String(repeating: "not a tar archive\n", count: 100))
        let short = try scratch.file("short.txt", "hi\n")
        let empty = try scratch.file("empty.tar", "")
        let gzippedText = scratch.path + "/text.gz"
        let (rc, out) = try runTool("/bin/sh", ["-c", "gzip -c < '\(text)' > '\(gzippedText)'"])
        #expect(rc == 0, "\(out)")
        let cases: [(String, String)] = [
            (scratch.path + "/missing.tar", "No such file"), (scratch.path, "directory"), (text, "not a tar archive"),
            (short, "not a tar archive"), (empty, "not a tar archive"), (gzippedText, "not a tar archive"),
        ]
        for (path, words) in cases {
            do {
                _ = try TarReader.topLevelNames(ofArchive: path)
                Issue.record("no error for \(path)")
            } catch let error as DMapError {
                #expect(error.kind == .config)
                #expect(error.message.contains("'\(path)'"), "\(error.message)")
                #expect(error.message.contains(words), "\(error.message)")
            }
        }
    }

    /// Each member of the archive at `path` as Python's tarfile reads it, one line: name, type, mode, size, link
    /// target, time, owner, and the Adler-32 of the data.
    static let pythonMembers = """
        import tarfile, sys, zlib
        with tarfile.open(sys.argv[1], "r:*") as t:
            for m in t:
                kind = "0" if m.isreg() else "5" if m.isdir() else "2" if m.issym() else "1" if m.islnk() else m.type.decode()
                data = zlib.adler32(t.extractfile(m).read()) if m.isreg() else "-"
                size = m.size if m.isreg() else 0
                print("|".join(map(str, [m.name, kind, oct(m.mode), size, m.linkname, int(m.mtime), m.uid, m.gid, data])))
        """

    /// The same lines from `TarReader`, the data read in pieces of `chunk` bytes.
    static func readerMembers(_ path: String, chunk: Int) throws -> [String] {
        let reader = try TarReader(path: path)
        var lines: [String] = []
        while let member = try reader.next() {
            var (a, b): (UInt32, UInt32) = (1, 0)
            var total: Int64 = 0
            while let data = try reader.readData(upTo: chunk) {
                #expect(data.readableBytes <= chunk)
                total += Int64(data.readableBytes)
                for byte in data.readableBytesView {
                    a = (a + UInt32(byte)) % 65521
                    b = (b + a) % 65521
                }
            }
            #expect(total == member.size)
            let kind: String
            var link = ""
            switch member.kind {
            case .file: kind = "0"
            case .directory: kind = "5"
            case .symlink(let target): (kind, link) = ("2", target)
            case .hardLink(let target): (kind, link) = ("1", target)
            case .special(let flag): kind = String(UnicodeScalar(flag))
            }
            let data = member.kind == .file ? String(b << 16 | a) : "-"
            lines.append(
                [member.name, kind, "0o" + String(member.mode, radix: 8), String(member.size), link,
                 String(member.mtime), String(member.uid), String(member.gid), data].joined(separator: "|"))
        }
        return lines
    }

    @Test(
        "every member and its data, as Python reads them: GNU tar's gnu, oldgnu, posix, ustar and v7 formats",
        arguments: [
            ("gnu", "", true), ("oldgnu", "z", true), ("posix", "z", true), ("posix", "", true), ("ustar", "j", false),
            ("v7", "J", false),
        ])
    func membersAsPythonReadsThem(format: String, flag: String, extremes: Bool) throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let source = try BuildArchiveContextTests.richTree(scratch, longNames: format != "ustar" && format != "v7")
        var options = ["--format=\(format)"]
        // Ids and times that need GNU base-256 numbers or PAX records; a PAX global header.
        if extremes { options += ["--owner=big:5000000", "--mtime=@-100000000"] }
        if format == "posix" { options += ["--pax-option=comment=global"] }
        let archive = scratch.path + "/in.tar"
        let (status, output) = try runTool("/usr/bin/tar", options + ["-c\(flag)f", archive, "-C", source, "."])
        #expect(status == 0, "\(output)")

        let (python, listing) = try runTool(pythonPath(), ["-c", Self.pythonMembers, archive])
        #expect(python == 0, "\(listing)")
        let expected = listing.split(separator: "\n").map(String.init)
        #expect(expected.count >= 12)
        #expect(try Self.readerMembers(archive, chunk: 1000) == expected)
        #expect(try Self.readerMembers(archive, chunk: 1 << 20) == expected)
        if extremes { #expect(expected.allSatisfy { $0.contains("|-100000000|5000000|") }) }
    }

    @Test("a member's unread data is skipped; closing early stops the decompressor", arguments: ["", "z", "j"])
    func skipAndClose(flag: String) throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let source = try BuildArchiveContextTests.richTree(scratch)
        let archive = scratch.path + "/in.tar"
        let (status, output) = try runTool("/usr/bin/tar", ["-c\(flag)f", archive, "-C", source, "data", "plain.txt"])
        #expect(status == 0, "\(output)")
        let log = CompressSpawnLog()
        try CompressProcess.$spawnLog.withValue(log) {
            let reader = try TarReader(path: archive)
            #expect(try reader.next()?.name == "data")
            #expect(try reader.next()?.name == "data/big.bin")
            #expect(try reader.readData(upTo: 10)?.readableBytes == 10)
            let plain = try #require(try reader.next())
            #expect(plain.name == "plain.txt" && plain.size == 6)
            #expect(try reader.readData().map { String(buffer: $0) } == "plain\n")
            #expect(try reader.readData() == nil)
            #expect(try reader.next() == nil)
            #expect(try reader.next() == nil)

            let early = try TarReader(path: archive)
            #expect(try early.next()?.name == "data")
            early.close()
            #expect(try early.next() == nil)
        }
        #expect(log.started.count == (flag.isEmpty ? 0 : 2))
        #expect(BuildArchiveContextTests.unreaped(log).isEmpty)
    }
}
