/// One member of a tar archive, as its header describes it (the contents travel separately).
public struct TarEntry: Sendable, Hashable {
    /// What the member is.
    public enum Kind: Sendable, Hashable {
        /// A regular file of `size` bytes.
        case file(size: Int64)
        /// A directory; its name gets a trailing `/` in the archive.
        case directory
        /// A symbolic link to `target`, stored as a link and never followed.
        case symlink(target: String)
    }

    /// The path inside the archive: relative, `/`-separated, any length, any Unicode.
    public var name: String
    /// File (with its size), directory or symlink (with its target).
    public var kind: Kind
    /// Permission bits (with set-uid, set-gid and sticky), e.g. `0o644`.
    public var mode: UInt32
    /// Owner and group ids; a build context uses 0 and 0 (root), as `docker build` does.
    public var uid: UInt32
    public var gid: UInt32
    /// Modification time in seconds since the epoch.
    public var mtime: Int64

    /// An entry; `mode` defaults to `defaultMode(for: kind)`.
    public init(name: String, kind: Kind, mode: UInt32? = nil, uid: UInt32 = 0, gid: UInt32 = 0, mtime: Int64 = 0) {
        self.name = name
        self.kind = kind
        self.mode = mode ?? Self.defaultMode(for: kind)
        self.uid = uid
        self.gid = gid
        self.mtime = mtime
    }

    /// `0o755` for directories, `0o777` for symlinks, `0o644` for files.
    public static func defaultMode(for kind: Kind) -> UInt32 {
        switch kind {
        case .file: return 0o644
        case .directory: return 0o755
        case .symlink: return 0o777
        }
    }

    /// The size of the contents that follow the header (0 unless a file).
    public var size: Int64 {
        if case .file(let size) = kind { return size }
        return 0
    }

    /// The name as written to the archive: directories end with `/`.
    public var archiveName: String {
        if case .directory = kind, name.utf8.last != UInt8(ascii: "/") { return name + "/" }
        return name
    }
}
