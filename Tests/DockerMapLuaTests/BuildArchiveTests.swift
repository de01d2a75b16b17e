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
}
