import Foundation

/// What `lstat(2)` says about a path, reduced to what a build context needs; and the few POSIX calls around it.
struct FileStatus {
    enum FileType { case regular, directory, symlink, other }

    let type: FileType
    /// Permission bits with set-uid, set-gid and sticky.
    let mode: UInt32
    let size: Int64
    /// Modification time, whole seconds since the epoch.
    let mtime: Int64

    init(_ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: type = .regular
        case S_IFDIR: type = .directory
        case S_IFLNK: type = .symlink
        default: type = .other
        }
        mode = UInt32(info.st_mode & 0o7777)
        size = Int64(info.st_size)
        #if canImport(Darwin)
            mtime = Int64(info.st_mtimespec.tv_sec)
        #else
            mtime = Int64(info.st_mtim.tv_sec)
        #endif
    }

    /// `lstat` (or `stat` when `follow`) of `path`; `nil` with `errno` set when it fails.
    static func of(_ path: String, follow: Bool = false) -> FileStatus? {
        var info = stat()
        let rc = follow ? stat(path, &info) : lstat(path, &info)
        return rc == 0 ? FileStatus(info) : nil
    }

    /// The status of an open descriptor.
    static func of(descriptor fd: CInt) -> FileStatus? {
        var info = stat()
        return fstat(fd, &info) == 0 ? FileStatus(info) : nil
    }

    /// The readable text of an `errno` value.
    static func reason(_ code: CInt = errno) -> String { String(cString: strerror(code)) }

    /// The names in directory `path` (without `.` and `..`), sorted by their UTF-8 bytes as Go's `filepath.Walk`
    /// sorts them. Throws a `DMapError(.build)` naming `shown` when the directory cannot be read or holds a name
    /// that is not UTF-8.
    static func names(in path: String, shown: String) throws -> [String] {
        guard let dir = opendir(path) else {
            throw DMapError(.build, "cannot read directory '\(shown)': \(reason())", object: shown)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 {
                    throw DMapError(.build, "cannot read directory '\(shown)': \(reason())", object: shown)
                }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String? in
                let bytes = raw.prefix { $0 != 0 }
                return String(validating: bytes, as: UTF8.self)
            }
            guard let name else {
                throw DMapError(.build, "a file name in '\(shown)' is not valid UTF-8", object: shown)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted(by: SlashPath.byteOrder)
    }

    /// The target of symbolic link `path`.
    static func linkTarget(_ path: String, shown: String) throws -> String {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = buffer.withUnsafeMutableBytes {
            readlink(path, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count)
        }
        guard count >= 0 else {
            throw DMapError(.build, "cannot read symbolic link '\(shown)': \(reason())", object: shown)
        }
        guard let target = String(validating: buffer[..<count], as: UTF8.self) else {
            throw DMapError(.build, "the target of symbolic link '\(shown)' is not valid UTF-8", object: shown)
        }
        return target
    }
}
