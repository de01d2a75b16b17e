import Foundation

extension BuildContext {
    /// The build context of directory `path`, as `docker build` sends it.
    ///
    /// The tree is walked depth first, each directory's names in byte order; directories (empty ones too) are
    /// members, symlinks are stored as symlinks and never followed, other special files are left out. The ignore
    /// file is `<dockerfile>.dockerignore` when it exists, else `.dockerignore` at the root; an excluded directory
    /// is not a member, and it is not even entered unless an exception rule could re-include something below it.
    /// The Dockerfile and the root `.dockerignore` are always sent, even when excluded.
    ///
    /// - Parameters:
    ///   - path: The context directory (it may be a symlink to one).
    ///   - dockerfile: The Dockerfile, relative to `path` (or absolute, inside it).
    /// - Throws: `DMapError(.config)` when `path` is not a directory, the Dockerfile lies outside it, or the ignore
    ///   file is malformed (naming the line); `DMapError(.build)` naming any file or directory that cannot be read.
    public static func directory(path: String, dockerfile: String = "Dockerfile") throws -> BuildContext {
        guard let status = FileStatus.of(path, follow: true) else {
            throw DMapError(.config, "cannot use build context '\(path)': \(FileStatus.reason())", object: path)
        }
        guard status.type == .directory else {
            throw DMapError(.config, "build context '\(path)' is not a directory", object: path)
        }
        let dockerfileName = try relativeDockerfile(dockerfile, root: path)
        var context = BuildContext()
        context.dockerfile = dockerfileName
        var ignore = DockerIgnore()
        for candidate in [dockerfileName + ".dockerignore", ".dockerignore"] {
            if let found = try DockerIgnore.load(path: path + "/" + candidate) {
                ignore = found
                context.ignoreFile = candidate
                break
            }
        }
        let walker = ContextWalker(root: path, ignore: ignore, alwaysSent: [dockerfileName, ".dockerignore"])
        try walker.walk(into: &context)
        return context
    }

    /// The Dockerfile's path relative to the context root.
    private static func relativeDockerfile(_ dockerfile: String, root: String) throws -> String {
        let outside = DMapError(
            .config, "the Dockerfile '\(dockerfile)' is not a file inside the build context '\(root)'",
            object: dockerfile)
        var name = dockerfile
        if dockerfile.utf8.first == UInt8(ascii: "/") {
            let absoluteRoot =
                root.utf8.first == UInt8(ascii: "/") ? root : FileManager.default.currentDirectoryPath + "/" + root
            let base = SlashPath.clean(absoluteRoot) + "/"
            let full = SlashPath.clean(dockerfile)
            guard SlashPath.hasPrefix(full, base) else { throw outside }
            name = String(decoding: full.utf8.dropFirst(base.utf8.count), as: UTF8.self)
        }
        guard let relative = SlashPath.archiveName(name) else { throw outside }
        return relative
    }
}

/// Walks a directory into a `BuildContext`, applying ignore rules.
struct ContextWalker {
    let root: String
    let ignore: DockerIgnore
    /// Paths sent even when excluded (the Dockerfile, `.dockerignore`).
    let alwaysSent: Set<String>
    /// Prefix of the archive names (empty: the paths relative to `root`).
    let archiveBase: String

    init(
        root: String, ignore: DockerIgnore = DockerIgnore(), alwaysSent: Set<String> = [], archiveBase: String = ""
    ) {
        self.root = root
        self.ignore = ignore
        self.alwaysSent = alwaysSent
        self.archiveBase = archiveBase
    }

    func walk(into context: inout BuildContext) throws {
        try walk("", below: DockerIgnore.ParentMatches(ruleCount: ignore.rules.count), into: &context)
    }

    private func walk(
        _ directory: String, below parents: DockerIgnore.ParentMatches, into context: inout BuildContext
    ) throws {
        let directoryPath = directory.isEmpty ? root : root + "/" + directory
        for name in try FileStatus.names(in: directoryPath, shown: directory.isEmpty ? root : directory) {
            let relative = directory.isEmpty ? name : directory + "/" + name
            let full = root + "/" + relative
            guard let status = FileStatus.of(full) else {
                if errno == ENOENT { continue }  // vanished while walking
                throw Self.unreadable(relative)
            }
            let verdict = ignore.evaluate(relative, below: parents, isDirectory: status.type == .directory)
            if verdict.excluded && !alwaysSent.contains(relative) {
                if status.type == .directory && mustEnter(excluded: relative) {
                    try walk(relative, below: verdict.parents, into: &context)
                }
                continue
            }
            let archive = archiveBase.isEmpty ? relative : archiveBase + "/" + relative
            switch status.type {
            case .directory:
                context.add(.init(entry: Self.entry(name: archive, status: status, kind: .directory), source: .none))
                try walk(relative, below: verdict.parents, into: &context)
            case .regular:
                try Self.checkReadable(full, shown: relative)
                let entry = Self.entry(name: archive, status: status, kind: .file(size: status.size))
                context.add(.init(entry: entry, source: .file(path: full)))
            case .symlink:
                let target = try FileStatus.linkTarget(full, shown: relative)
                let entry = Self.entry(name: archive, status: status, kind: .symlink(target: target))
                context.add(.init(entry: entry, source: .none))
            case .other:
                continue  // sockets, FIFOs and devices have no place in a build context
            }
        }
    }

    /// Whether an excluded directory must still be walked: an exception could re-include something below it, or
    /// a file that is always sent lies below it.
    private func mustEnter(excluded directory: String) -> Bool {
        ignore.mayReinclude(below: directory) || alwaysSent.contains { SlashPath.hasPrefix($0, directory + "/") }
    }

    static func entry(name: String, status: FileStatus, kind: TarEntry.Kind) -> TarEntry {
        TarEntry(name: name, kind: kind, mode: status.mode, uid: 0, gid: 0, mtime: status.mtime)
    }

    /// Opens and closes `path`, so that an unreadable file is reported before anything is sent.
    static func checkReadable(_ path: String, shown: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { throw unreadable(shown) }
        close(fd)
    }

    private static func unreadable(_ shown: String) -> DMapError {
        DMapError(.build, "cannot read '\(shown)' in the build context: \(FileStatus.reason())", object: shown)
    }
}
