extension BuildContext {
    /// A member of another tar archive, copied into the context when it is written (Docker-Map's `addarchive`).
    public struct ArchiveMember: Sendable, Hashable {
        /// The archive file.
        public var archive: String
        /// Its position among the archive's members, from 0.
        public var index: Int
        /// Its name as stored in the archive, to check that the archive did not change meanwhile.
        public var storedName: String
        /// For a hard link, the member it links to.
        public var hardLink: HardLink?

        public init(archive: String, index: Int, storedName: String, hardLink: HardLink? = nil) {
            self.archive = archive
            self.index = index
            self.storedName = storedName
            self.hardLink = hardLink
        }
    }

    /// The target of a hard link in an archive.
    public struct HardLink: Sendable, Hashable {
        /// Its archive name in the context.
        public var target: String
        /// Its position among the archive's members and its name as stored, when it comes earlier in the archive
        /// (as it should); `nil` otherwise.
        public var targetIndex: Int?
        public var targetStoredName: String?

        public init(target: String, targetIndex: Int? = nil, targetStoredName: String? = nil) {
            self.target = target
            self.targetIndex = targetIndex
            self.targetStoredName = targetStoredName
        }
    }

    /// Adds every member of the tar archive at `path` (plain, gzip, bzip2 or xz compressed), as Docker-Map's
    /// `DockerContext.addarchive` does: names, modes, owners, times and link targets are kept; a leading `./` or `/`
    /// is dropped from names; the archive's root directory (`.`) and special files (devices, FIFOs) are left out;
    /// hard links stay hard links. A member replaces one of the same name already in the context, as `add` does.
    /// A hard link whose target is not written before it, as that same member, is written as a copy of the target
    /// (the engine could not make the link otherwise).
    ///
    /// The archive is read now for its headers (nothing is added when that fails), and again when the context is
    /// written, for the contents.
    ///
    /// - Returns: the archive names added, in order.
    /// - Throws: `DMapError(.config)` naming `path` when it is missing, unreadable, not a tar archive, damaged, or
    ///   holds a member whose name climbs out of the context (`../`).
    @discardableResult
    public mutating func add(archive path: String) throws -> [String] {
        let reader = try TarReader(path: path)
        var members: [Item] = []  // added once the whole archive was read
        var regularFiles: [String: TarReader.Member] = [:]  // by archive name, for hard links
        while let member = try reader.next() {
            guard let name = try Self.memberName(member.name, archive: path, allowRoot: true) else { continue }
            var hardLink: HardLink?
            let kind: TarEntry.Kind
            switch member.kind {
            case .file:
                kind = .file(size: member.size)
                regularFiles[name] = member
            case .directory: kind = .directory
            case .symlink(let target): kind = .symlink(target: target)
            case .hardLink(let target):
                let targetName = try Self.memberName(target, archive: path, allowRoot: false)!
                let targetMember = regularFiles[targetName]
                hardLink = HardLink(
                    target: targetName, targetIndex: targetMember?.index, targetStoredName: targetMember?.name)
                kind = .file(size: 0)
            case .special: continue
            }
            let entry = TarEntry(
                name: name, kind: kind, mode: member.mode, uid: member.uid, gid: member.gid, mtime: member.mtime)
            let source = ArchiveMember(archive: path, index: member.index, storedName: member.name, hardLink: hardLink)
            members.append(Item(entry: entry, source: .archiveMember(source)))
        }
        for item in members { add(item) }
        return members.map(\.entry.name)
    }

    /// A member name as an archive name in the context; `nil` for the root itself when `allowRoot`.
    private static func memberName(_ name: String, archive: String, allowRoot: Bool) throws -> String? {
        if let clean = SlashPath.archiveName(name) { return clean }
        let cleaned = SlashPath.clean(name)
        if allowRoot && (cleaned == "." || cleaned == "/") { return nil }
        throw DMapError(
            .config, "archive '\(archive)' holds '\(name)', which is not a path inside the build context",
            object: archive)
    }

    /// Whether any member comes from another archive.
    var hasArchiveMembers: Bool {
        items.contains { item in
            if case .archiveMember = item.source { return true }
            return false
        }
    }
}
