import Foundation
import NIOCore
import Testing
@testable import DockerMapLua

@Suite("Build: tar writer")
struct BuildTarTests {
    static let long120 = String(repeating: "d", count: 60) + "/" + String(repeating: "a", count: 60)
    static let long300 = ["a", "b", "c"].map { String(repeating: $0, count: 99) }.joined(separator: "/") + "/file.txt"
    static let longComponent = String(repeating: "x", count: 150)
    static let unicode = "ünïcødé/日本語 ファイル.txt"
    static let mtime: Int64 = 1_700_000_000

    /// Pseudo-random bytes, so that a shifted or truncated copy cannot compare equal.
    static func noise(_ count: Int) -> Data {
        var state: UInt32 = 2_463_534_242
        return Data((0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            return UInt8(truncatingIfNeeded: state)
        })
    }

    /// Every kind of member, with names that need the ustar prefix, PAX records, or both.
    static func sampleContext(bigFile: String) throws -> BuildContext {
        var context = BuildContext()
        try context.add(text: "one hundred and twenty\n", as: long120, mtime: mtime)
        try context.add(text: "three hundred\n", as: long300, mtime: mtime)
        try context.add(text: "long component\n", as: longComponent, mtime: mtime)
        try context.add(text: "こんにちは\n", as: unicode, mtime: mtime)
        context.add(.init(entry: TarEntry(name: "empty", kind: .directory, mode: 0o750, mtime: mtime), source: .none))
        context.add(.init(entry: TarEntry(name: "link", kind: .symlink(target: unicode), mtime: mtime), source: .none))
        context.add(.init(entry: TarEntry(name: "longlink", kind: .symlink(target: long300), mtime: mtime), source: .none))
        try context.add(text: "#!/bin/sh\necho hi\n", as: "bin/run.sh", mode: 0o755, mtime: mtime)
        try context.add(contents: ByteBuffer(), as: "zero", mtime: mtime)
        try context.add(path: bigFile, as: "data/big.bin")
        return context
    }

    static let texts: [String: String] = [
        long120: "one hundred and twenty\n", long300: "three hundred\n", longComponent: "long component\n",
        unicode: "こんにちは\n", "bin/run.sh": "#!/bin/sh\necho hi\n", "zero": "",
    ]

    @Test("GNU tar lists and extracts every kind of member exactly")
    func gnuTar() async throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let big = try scratch.file("src/big.bin", data: Self.noise(3_000_017))
        let archive = scratch.path + "/out.tar"
        try await writeArchive(Self.sampleContext(bigFile: big), to: archive)

        let (listed, listing) = try runTool("/usr/bin/tar", ["--quoting-style=literal", "-tf", archive])
        #expect(listed == 0, "\(listing)")
        #expect(
            listing.split(separator: "\n").map(String.init) == [
                Self.long120, Self.long300, Self.longComponent, Self.unicode, "empty/", "link", "longlink",
                "bin/run.sh", "zero", "data/big.bin",
            ])

        try scratch.directory("x")
        let (extracted, output) = try runTool("/usr/bin/tar", ["-xf", archive, "-C", scratch.path + "/x"])
        #expect(extracted == 0, "\(output)")
        let root = scratch.path + "/x/"
        let files = FileManager.default
        for (name, text) in Self.texts {
            #expect(files.contents(atPath: root + name) == Data(text.utf8), "\(name)")
        }
        #expect(files.contentsEqual(atPath: root + "data/big.bin", andPath: big))
        #expect(try files.destinationOfSymbolicLink(atPath: root + "link") == Self.unicode)
        #expect(try files.destinationOfSymbolicLink(atPath: root + "longlink") == Self.long300)
        let script = try files.attributesOfItem(atPath: root + "bin/run.sh")
        #expect((script[.posixPermissions] as? Int) == 0o755)
        #expect((script[.modificationDate] as? Date) == Date(timeIntervalSince1970: TimeInterval(Self.mtime)))
        let empty = try files.attributesOfItem(atPath: root + "empty")
        #expect((empty[.type] as? FileAttributeType) == .typeDirectory)
        #expect((empty[.posixPermissions] as? Int) == 0o750)
        #expect(try files.contentsOfDirectory(atPath: root + "empty").isEmpty)
    }

    static let pythonLister = """
        import tarfile, sys, json
        out = []
        with tarfile.open(sys.argv[1]) as t:
            for m in t:
                d = {"name": m.name, "type": m.type.decode(), "size": m.size, "mode": m.mode, "link": m.linkname,
                     "uid": m.uid, "gid": m.gid, "mtime": m.mtime}
                if m.isfile():
                    data = t.extractfile(m).read()
                    if m.name == "data/big.bin":
                        d["same"] = data == open(sys.argv[2], "rb").read()
                    else:
                        d["text"] = data.decode()
                out.append(d)
        print(json.dumps(out))
        """

    @Test("Python's tarfile reads every member, its type, mode, owner, time and contents")
    func pythonTarfile() async throws {
        let scratch = try BuildScratchDirectory()
        defer { scratch.remove() }
        let big = try scratch.file("src/big.bin", data: Self.noise(2_500_000))
        let archive = scratch.path + "/out.tar"
        try await writeArchive(Self.sampleContext(bigFile: big), to: archive)
        let (status, output) = try runTool(pythonPath(), ["-c", Self.pythonLister, archive, big])
        #expect(status == 0, "\(output)")
        let members = try #require(JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: members.map { ($0["name"] as! String, $0) })
        #expect(members.count == 10)
        for (name, text) in Self.texts {
            #expect(byName[name]?["text"] as? String == text, "\(name)")
            #expect(byName[name]?["type"] as? String == "0")
        }
        #expect(byName["data/big.bin"]?["same"] as? Bool == true)
        #expect(byName["data/big.bin"]?["size"] as? Int == 2_500_000)
        #expect(byName["empty"]?["type"] as? String == "5")
        #expect(byName["empty"]?["mode"] as? Int == 0o750)
        #expect(byName["link"]?["type"] as? String == "2")
        #expect(byName["link"]?["link"] as? String == Self.unicode)
        #expect(byName["longlink"]?["link"] as? String == Self.long300)
        #expect(byName["bin/run.sh"]?["mode"] as? Int == 0o755)
        #expect(byName[Self.unicode]?["mode"] as? Int == 0o644)
        #expect(members.allSatisfy { $0["uid"] as? Int == 0 && $0["gid"] as? Int == 0 })
        #expect(byName[Self.long300]?["mtime"] as? Int == Int(Self.mtime))
    }

    @Test("headers: ustar alone when it fits, its prefix field, else a PAX header first")
    func headerShapes() throws {
        func header(_ name: String, _ kind: TarEntry.Kind = .file(size: 5)) throws -> [UInt8] {
            Array(try TarFormat.header(for: TarEntry(name: name, kind: kind)).readableBytesView)
        }
        let short = try header("a/b.txt")
        #expect(short.count == 512)
        #expect(Array(short[257..<265]) == Array("ustar\u{0}00".utf8))
        #expect(Array(short[124..<136]) == Array("00000000005\u{0}".utf8))
        #expect(Array(short[100..<108]) == Array("0000644\u{0}".utf8))
        var sum = short.reduce(0) { $0 + Int($1) }
        sum += 8 * 32 - short[148..<156].reduce(0) { $0 + Int($1) }
        #expect(Int(String(decoding: short[148..<154], as: UTF8.self), radix: 8) == sum)

        let split = try header(Self.long120)
        #expect(split.count == 512)
        #expect(Array(split[345..<406]) == Array((String(repeating: "d", count: 60) + "\u{0}").utf8))
        #expect(Array(split[0..<61]) == Array((String(repeating: "a", count: 60) + "\u{0}").utf8))

        for needsPAX in [Self.long300, Self.longComponent, Self.unicode] {
            let bytes = try header(needsPAX)
            #expect(bytes.count == 1536, "\(needsPAX)")
            #expect(bytes[156] == UInt8(ascii: "x") && bytes[512 + 512 + 156] == UInt8(ascii: "0"))
            let record = "\(needsPAX.utf8.count + 6 + String(needsPAX.utf8.count).count + 1) path=\(needsPAX)\n"
            #expect(String(decoding: bytes[512..<(512 + record.utf8.count)], as: UTF8.self) == record)
        }
        #expect(try header("d", .directory)[156] == UInt8(ascii: "5"))
        #expect(Array(try header("d", .directory)[0..<3]) == Array("d/\u{0}".utf8))
    }

    @Test("sizes of 8 GiB and more, large ids and times before 1970 go into PAX records Python reads")
    func paxNumbers() throws {
        let entries = [
            TarEntry(name: "huge", kind: .file(size: 9 << 30)),
            TarEntry(name: "ids", kind: .file(size: 0), uid: 3_000_000, gid: 4_000_000),
            TarEntry(name: "old", kind: .file(size: 0), mtime: -86_400),
        ]
        let script = """
            import tarfile, sys, io
            m = tarfile.open(fileobj=io.BytesIO(bytes.fromhex(sys.argv[1]))).firstmember
            print(m.name, m.size, m.uid, m.gid, int(m.mtime))
            """
        let expected = ["huge 9663676416 0 0 0", "ids 0 3000000 4000000 0", "old 0 0 0 -86400"]
        for (entry, line) in zip(entries, expected) {
            let header = try TarFormat.header(for: entry)
            #expect(header.readableBytes == 1536)
            let hex = header.readableBytesView.map { String(format: "%02x", $0) }.joined()
            let (status, output) = try runTool(pythonPath(), ["-c", script, hex])
            #expect(status == 0)
            #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == line)
        }
    }

    @Test("PAX record lengths count their own digits")
    func paxRecordLength() {
        for length in [1, 90, 91, 92, 93, 990, 995, 996, 997, 998, 10_000] {
            let value = String(repeating: "v", count: length)
            let record = String(decoding: TarFormat.paxRecords([("path", value)]), as: UTF8.self)
            let declared = Int(record.prefix { $0 != " " })!
            #expect(declared == record.utf8.count, "\(length)")
        }
    }

    @Test("padding, end, and invalid names")
    func blocksAndErrors() throws {
        let paddings = [0, 1, 511, 512, 513, 1024].map { TarFormat.padding(forSize: Int64($0)).readableBytes }
        #expect(paddings == [0, 511, 1, 0, 511, 0])
        #expect(TarFormat.end.readableBytes == 1024 && TarFormat.end.readableBytesView.allSatisfy { $0 == 0 })
        for name in ["", "a\u{0}b"] {
            #expect(throws: DMapError.self) { try TarFormat.header(for: TarEntry(name: name, kind: .directory)) }
        }
        var context = BuildContext()
        for bad in ["", "/", "..", "../x", "a/../../x"] {
            let error = try #require(throws: DMapError.self) { try context.add(text: "x", as: bad) }
            #expect(error.kind == .usage)
        }
        try context.add(text: "x", as: "/abs/./y")
        #expect(context.names == ["abs/y"])
        try context.add(text: "second", as: "abs/y")
        #expect(context.items.count == 1)
    }

    @Test("small members are gathered into few pieces; big files are cut to the chunk size")
    func chunking() async throws {
        var context = BuildContext()
        for index in 0..<300 { try context.add(text: String(repeating: "z", count: 100), as: "f\(index)", mtime: 0) }
        var sizes: [Int] = []
        try await context.write(chunkSize: 64 << 10) { sizes.append($0.readableBytes) }
        let expectedTotal = 300 * 1024 + 1024
        let total = sizes.reduce(0, +)
        #expect(total == expectedTotal)
        #expect(sizes.count <= 6)
        let limit = (64 << 10) + 1536
        #expect(sizes.allSatisfy { $0 <= limit })

        let archive = try await context.archive()
        #expect(archive.readableBytes == expectedTotal)
    }

    @Test("a writer used directly produces what the context produces")
    func writerDirectly() async throws {
        var pieces = ByteBuffer()
        var writer = TarWriter { pieces.writeImmutableBuffer($0) }
        try await writer.write(TarEntry(name: "dir", kind: .directory, mtime: 5))
        try await writer.write(TarEntry(name: "dir/f", kind: .file(size: 0), mtime: 5), contents: ByteBuffer(string: "abc"))
        try await writer.finish()
        #expect(writer.bytesWritten == 512 + 512 + 512 + 1024)
        var context = BuildContext()
        context.add(.init(entry: TarEntry(name: "dir", kind: .directory, mtime: 5), source: .none))
        try context.add(text: "abc", as: "dir/f", mtime: 5)
        #expect(try await context.archive() == pieces)
        await #expect(throws: DMapError.self) { try await writer.write(TarEntry(name: "f", kind: .file(size: 3))) }
    }
}
