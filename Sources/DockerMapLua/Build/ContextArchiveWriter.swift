import NIOCore
import NIOPosix

/// Writes the archive of a build context that holds members of other archives (`BuildContext.add(archive:)`).
///
/// Runs of ordinary members go through a `TarWriter` each (whose end-of-archive blocks are cut off); archive
/// members are copied header by header, their data in chunks read (off the cooperative pool) from a reader kept
/// open per archive, so that members taken in archive order read each archive once. Everything reaches the sink
/// in pieces of about `chunkSize` bytes.
struct ContextArchiveWriter {
    let chunkSize: Int
    private let output: ContextArchiveOutput
    private var cursors: [String: ContextArchiveCursor] = [:]
    /// The archive members written so far, by archive name.
    private var written: [String: (archive: String, index: Int)] = [:]

    init(chunkSize: Int, sink: @escaping TarWriter.Sink) {
        self.chunkSize = max(TarFormat.blockSize, chunkSize)
        output = ContextArchiveOutput(chunkSize: self.chunkSize, sink: sink)
    }

    /// Writes `items`, then the end of the archive.
    mutating func write(_ items: [BuildContext.Item]) async throws {
        defer { for cursor in cursors.values { cursor.close() } }
        var index = items.startIndex
        while index < items.endIndex {
            if case .archiveMember(let member) = items[index].source {
                try await copy(items[index].entry, from: member)
                index += 1
                continue
            }
            let output = self.output
            var writer = TarWriter(chunkSize: chunkSize) { chunk in try await output.write(chunk) }
            while index < items.endIndex {
                let item = items[index]
                switch item.source {
                case .none: try await writer.write(item.entry)
                case .data(let bytes): try await writer.write(item.entry, contents: bytes)
                case .file(let path): try await writer.writeFile(item.entry, from: path)
                case .archiveMember: break
                }
                if case .archiveMember = item.source { break }
                index += 1
            }
            output.cutEnd = true
            try await writer.finish()
            precondition(!output.cutEnd, "TarWriter.finish() did not end with the end-of-archive blocks")
        }
        try await output.write(TarFormat.end)
        try await output.flush()
    }

    /// Copies one member of another archive.
    private mutating func copy(_ entry: TarEntry, from member: BuildContext.ArchiveMember) async throws {
        defer { written[entry.name] = (member.archive, member.index) }
        let cursor = cursors[member.archive] ?? ContextArchiveCursor(path: member.archive)
        cursors[member.archive] = cursor
        let chunkSize = self.chunkSize
        let (found, first) = try await NIOThreadPool.singleton.runIfActive {
            try cursor.seek(index: member.index, storedName: member.storedName, firstChunk: chunkSize)
        }
        if let link = member.hardLink {
            return try await writeHardLink(entry, link, archive: member.archive)
        }
        guard case .file = entry.kind else { return try await output.write(TarFormat.header(for: entry)) }
        try await writeFile(entry, found, first: first, from: cursor)
    }

    /// A regular file: the header with the size found now, the data, the padding.
    private func writeFile(
        _ entry: TarEntry, _ found: TarReader.Member, first: ByteBuffer?, from cursor: ContextArchiveCursor
    ) async throws {
        var header = entry
        header.kind = .file(size: found.size)
        try await output.write(TarFormat.header(for: header))
        let chunkSize = self.chunkSize
        var chunk = first
        var copied: Int64 = 0
        while let data = chunk {
            copied += Int64(data.readableBytes)
            try await output.write(data)
            chunk = try await NIOThreadPool.singleton.runIfActive { try cursor.readData(upTo: chunkSize) }
        }
        precondition(copied == found.size, "the tar reader gave \(copied) bytes of \(found.size)")
        try await output.write(TarFormat.padding(forSize: found.size))
    }

    /// A hard link: as a link when its target was written before as that member of the archive (or is not in the
    /// archive at all: then as it was stored); else as a copy of the target.
    private func writeHardLink(_ entry: TarEntry, _ link: BuildContext.HardLink, archive: String) async throws {
        guard let index = link.targetIndex, let storedName = link.targetStoredName,
            written[link.target].map({ $0 != (archive, index) }) ?? true
        else {
            return try await output.write(TarFormat.hardLinkHeader(for: entry, target: link.target))
        }
        let cursor = ContextArchiveCursor(path: archive)
        defer { cursor.close() }
        let chunkSize = self.chunkSize
        let (target, first) = try await NIOThreadPool.singleton.runIfActive {
            try cursor.seek(index: index, storedName: storedName, firstChunk: chunkSize)
        }
        guard target.kind == .file else {
            return try await output.write(TarFormat.hardLinkHeader(for: entry, target: link.target))
        }
        try await writeFile(entry, target, first: first, from: cursor)
    }
}

/// Gathers the archive into pieces of `chunkSize` bytes for the sink (the last one shorter); and cuts the end-of-archive blocks off
/// the last piece of a `TarWriter` when told to.
final class ContextArchiveOutput {
    let chunkSize: Int
    private let sink: TarWriter.Sink
    private var pending = ByteBuffer()
    /// Set before `TarWriter.finish()`: the next piece ends with the end-of-archive blocks, to be dropped. Cleared
    /// once they are.
    var cutEnd = false

    init(chunkSize: Int, sink: @escaping TarWriter.Sink) {
        self.chunkSize = chunkSize
        self.sink = sink
    }

    func write(_ bytes: ByteBuffer) async throws {
        var bytes = bytes
        if cutEnd {
            let endSize = TarFormat.end.readableBytes
            precondition(bytes.readableBytes >= endSize, "the end-of-archive blocks came in pieces")
            bytes.moveWriterIndex(to: bytes.writerIndex - endSize)
            cutEnd = false
        }
        while bytes.readableBytes > 0 {
            var piece = bytes.readSlice(length: min(chunkSize - pending.readableBytes, bytes.readableBytes))!
            if pending.readableBytes == 0 {
                pending = piece
            } else {
                pending.writeBuffer(&piece)
            }
            if pending.readableBytes >= chunkSize { try await flush() }
        }
    }

    func flush() async throws {
        guard pending.readableBytes > 0 else { return }
        let out = pending
        pending = ByteBuffer()
        try await sink(out)
    }
}

/// A reader of one archive positioned for the members asked for in turn; it starts again from the beginning when
/// asked for a member it has passed. Failures are `DMapError(.build)` naming the archive.
final class ContextArchiveCursor: @unchecked Sendable {
    let path: String
    private var reader: TarReader?
    private var position = -1

    init(path: String) { self.path = path }

    /// Moves to `member` and reads up to `firstChunk` bytes of its data (`nil` when it has none).
    /// Moves to the member at `index`, which must be named `storedName`, and reads up to `firstChunk` bytes of its
    /// data (`nil` when it has none).
    func seek(index: Int, storedName: String, firstChunk: Int) throws -> (TarReader.Member, ByteBuffer?) {
        try asBuildError {
            if reader == nil || position >= index {
                reader?.close()
                reader = try TarReader(path: path)
                position = -1
            }
            while let found = try reader!.next() {
                position = found.index
                guard found.index == index else { continue }
                guard found.name == storedName else { break }
                return (found, try reader!.readData(upTo: firstChunk))
            }
            throw DMapError(
                .build, "archive '\(path)' changed since it was added to the build context: "
                    + "member '\(storedName)' is not where it was", object: path)
        }
    }

    /// The next piece of the current member's data; `nil` at its end.
    func readData(upTo count: Int) throws -> ByteBuffer? {
        try asBuildError { try reader?.readData(upTo: count) }
    }

    func close() {
        reader?.close()
        reader = nil
    }

    private func asBuildError<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var error as DMapError {
            error.kind = .build
            throw error
        }
    }
}
