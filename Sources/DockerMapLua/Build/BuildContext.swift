import Foundation
import NIOCore

/// What `POST /build` receives: the members of a tar archive and where their contents come from. The list (names
/// and metadata only) is made up front, so that missing or unreadable files are reported before anything is sent;
/// the archive itself is streamed on demand by `write(to:)`, file contents read in chunks as they are written.
public struct BuildContext: Sendable {
    /// Where a member's contents come from.
    public enum Source: Sendable {
        /// No contents: a directory or a symlink.
        case none
        /// A regular file on disk, read when the archive is written.
        case file(path: String)
        /// Bytes held in memory, e.g. a Dockerfile given as a string.
        case data(ByteBuffer)
        /// A member of another tar archive, read from it when the archive is written (`add(archive:)`).
        case archiveMember(ArchiveMember)
    }

    /// One member of the archive.
    public struct Item: Sendable {
        /// The header: name, kind, mode, owner, time. For `.file` sources the size is taken again when written.
        public var entry: TarEntry
        public var source: Source

        /// A member: `entry` with its contents from `source`.
        public init(entry: TarEntry, source: Source) {
            self.entry = entry
            self.source = source
        }
    }

    /// The members, in archive order.
    public private(set) var items: [Item] = []
    /// The archive name of the Dockerfile, when the context was made for one (`directory(path:dockerfile:)`).
    public var dockerfile: String?
    /// The ignore file that applied, when one did.
    public var ignoreFile: String?
    private var positions: [String: Int] = [:]

    /// An empty context.
    public init() {}

    /// The archive names of the members, in order (directories without their trailing `/`).
    public var names: [String] { items.map(\.entry.name) }

    /// Adds `item`; one with the same archive name already present is replaced where it stands.
    public mutating func add(_ item: Item) {
        let key = item.entry.name
        if let index = positions[key] {
            items[index] = item
        } else {
            positions[key] = items.count
            items.append(item)
        }
    }

    /// Adds a file held in memory (for instance a Dockerfile given as a string) under archive name `name`.
    /// `mtime` defaults to now. An invalid name (empty, the root, or climbing out with `..`) is a
    /// `DMapError(.usage)`.
    public mutating func add(
        contents: ByteBuffer, as name: String, mode: UInt32 = 0o644, mtime: Int64? = nil
    ) throws {
        let archive = try Self.archiveName(name)
        let time = mtime ?? Int64(Date().timeIntervalSince1970)
        let entry = TarEntry(
            name: archive, kind: .file(size: Int64(contents.readableBytes)), mode: mode, mtime: time)
        add(Item(entry: entry, source: .data(contents)))
    }

    /// Adds a text file held in memory, UTF-8 encoded.
    public mutating func add(text: String, as name: String, mode: UInt32 = 0o644, mtime: Int64? = nil) throws {
        try add(contents: ByteBuffer(string: text), as: name, mode: mode, mtime: mtime)
    }

    /// Adds the file or directory at `source` under archive name `name`. The source itself is followed when it is
    /// a symlink; a directory is added with everything below it (no ignore rules), symlinks inside it stored as
    /// symlinks. A directory may be added as `"."`: its contents then go at the top of the context (as
    /// `tar -C dir .`, without a member for the directory itself). A missing or unreadable source is a
    /// `DMapError(.build)` naming it.
    public mutating func add(path source: String, as name: String) throws {
        let isRoot = SlashPath.clean(name) == "." && FileStatus.of(source, follow: true)?.type == .directory
        let archive = isRoot ? "" : try Self.archiveName(name)
        guard let status = FileStatus.of(source, follow: true) else {
            throw DMapError(
                .build, "cannot add '\(source)' to the build context: \(FileStatus.reason())", object: source)
        }
        switch status.type {
        case .directory:
            if !isRoot {
                add(Item(entry: ContextWalker.entry(name: archive, status: status, kind: .directory), source: .none))
            }
            try ContextWalker(root: source, archiveBase: archive).walk(into: &self)
        case .regular:
            try ContextWalker.checkReadable(source, shown: source)
            let entry = ContextWalker.entry(name: archive, status: status, kind: .file(size: status.size))
            add(Item(entry: entry, source: .file(path: source)))
        case .symlink, .other:
            throw DMapError(
                .build, "cannot add '\(source)' to the build context: not a file or directory", object: source)
        }
    }

    /// A context of explicit members: files or directories on disk under chosen archive names, then files held in
    /// memory (which replace disk members of the same name).
    public static func files(
        _ sources: [(path: String, name: String)], contents: [(name: String, data: ByteBuffer)] = []
    ) throws -> BuildContext {
        var context = BuildContext()
        for (path, name) in sources { try context.add(path: path, as: name) }
        for (name, data) in contents { try context.add(contents: data, as: name) }
        return context
    }

    /// Streams the archive to `sink` in pieces of about `chunkSize` bytes (never much more), reading files as they
    /// are written. A file that vanished or became unreadable since the listing is a `DMapError(.build)` naming it.
    /// Members of other archives (`add(archive:)`) are copied from them as they are written (`ContextArchiveWriter`).
    /// For a compressed stream, or a file, see `write(compression:chunkSize:to:)` and `save(to:compression:)`.
    public func write(chunkSize: Int = TarWriter.defaultChunkSize, to sink: @escaping TarWriter.Sink) async throws {
        if hasArchiveMembers {
            var copier = ContextArchiveWriter(chunkSize: chunkSize, sink: sink)
            return try await copier.write(items)
        }
        var writer = TarWriter(chunkSize: chunkSize, sink: sink)
        for item in items {
            switch item.source {
            case .none: try await writer.write(item.entry)
            case .data(let bytes): try await writer.write(item.entry, contents: bytes)
            case .file(let path): try await writer.writeFile(item.entry, from: path)
            case .archiveMember: preconditionFailure("archive members are written by ContextArchiveWriter")
            }
        }
        try await writer.finish()
    }

    /// The whole archive in one buffer: for small contexts and tests.
    public func archive() async throws -> ByteBuffer {
        var all = ByteBuffer()
        try await write { chunk in all.writeImmutableBuffer(chunk) }
        return all
    }

    static func archiveName(_ name: String) throws -> String {
        guard let archive = SlashPath.archiveName(name) else {
            throw DMapError(.usage, "invalid name '\(name)' in a build context: it must be a relative path inside it")
        }
        return archive
    }
}
