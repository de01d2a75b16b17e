import Foundation

/// The document-level rules of Docker-Map's `load_map`, `load_map_file`, `load_clients` and `load_clients_file`:
/// where the YAML comes from, what a map's name is, and the shape of a clients document.
public enum MapDocument {
    /// The YAML that `pathOrText` stands for.
    ///
    /// An existing regular file is read (`source` is the path, `fileStem` its base name up to the last `.`, or the
    /// whole base name when it has no extension). Otherwise, text with a newline or a `:` is YAML itself (`source` is
    /// `<yaml>`, no stem).
    /// - Throws: `DMapError(.config)` naming the path when it is missing, not a regular file, unreadable, or not UTF-8.
    public static func source(pathOrText: String) throws -> (text: String, source: String, fileStem: String?) {
        let status = FileStatus.of(pathOrText, follow: true)
        let statError = errno
        guard let status else {
            if pathOrText.contains("\n") || pathOrText.contains(":") {
                return (pathOrText, "<yaml>", nil)
            }
            if statError == ENOENT || statError == ENOTDIR || pathOrText.isEmpty {
                throw DMapError(.config, "no such file: \(pathOrText)", object: pathOrText)
            }
            throw DMapError(.config, "cannot read \(pathOrText): \(FileStatus.reason(statError))", object: pathOrText)
        }
        guard status.type == .regular else {
            let what = status.type == .directory ? "a directory" : "not a regular file"
            throw DMapError(.config, "cannot read \(pathOrText): it is \(what)", object: pathOrText)
        }
        let text = try readText(pathOrText)
        return (text, pathOrText, fileStem(pathOrText))
    }

    /// A map document's name and body.
    ///
    /// The name is `name` when it is given and not empty; `""` stands for `fileStem` (Docker-Map's
    /// `load_map_file(name='')`), and without one, or with `name` `nil`, the root `name` key (which must be text)
    /// names the map. Unlike Docker-Map, which keeps a `name` key as a container when a name is passed, the root
    /// `name` key is always left out of the body.
    /// - Parameter source: what errors name as the document.
    /// - Throws: `DMapError(.config)` when the root is not a mapping, or there is no name.
    public static func mapDocument(
        _ root: InputValue, name: String?, fileStem: String?, source: String = "<yaml>"
    ) throws -> (name: String, body: InputValue) {
        guard case .dict(let entries) = root else {
            throw DMapError(.config, "\(source): a map must be a YAML mapping (found \(found(root)))")
        }
        let body = InputValue.dict(entries.filter { $0.key.stringValue != "name" })
        if let name, !name.isEmpty { return (name, body) }
        if name == "", let fileStem, !fileStem.isEmpty { return (fileStem, body) }
        switch root["name"] {
        case .string(let key) where !key.isEmpty:
            return (key, body)
        case nil, .null, .string:
            throw DMapError(.config, "\(source): no map name given, and the document has no 'name' key")
        case let other?:
            throw DMapError(.config, "\(source): the document's 'name' must be a string (found \(found(other)))")
        }
    }

    /// The clients of a clients document, in document order: each client's name and its settings (a mapping; a
    /// client given as nothing, `name:`, gets an empty mapping: all defaults).
    /// - Parameter source: what errors name as the document.
    /// - Throws: `DMapError(.config)` when the root is not a mapping, a name is not text (or an integer), or a
    ///   client's settings are not a mapping.
    public static func clientsDocument(
        _ root: InputValue, source: String = "<yaml>"
    ) throws -> [(name: String, body: InputValue)] {
        guard case .dict(let entries) = root else {
            throw DMapError(
                .config, "\(source): clients must be a YAML mapping of client names to settings (found \(found(root)))")
        }
        return try entries.map { entry in
            let name: String
            switch entry.key {
            case .string(let text): name = text
            case .int(let number): name = String(number)
            default: throw DMapError(.config, "\(source): a client name must be a string (found \(found(entry.key)))")
            }
            switch entry.value {
            case .null: return (name, .dict([]))
            case .dict: return (name, entry.value)
            default:
                throw DMapError(
                    .config, "\(source): client '\(name)' must be a mapping of settings (found \(found(entry.value)))",
                    client: name)
            }
        }
    }

    /// `a list`, `a string`, `nothing`, …, for messages.
    static func found(_ value: InputValue) -> String {
        switch value {
        case .null: return "nothing"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "a string"
        case .list: return "a list"
        case .dict: return "a mapping"
        case .lazy(let lazy): return "a lazy value (\(lazy.label))"
        }
    }

    /// The base name of `path` up to its last `.`; the whole base name when there is no `.` after its first
    /// character.
    static func fileStem(_ path: String) -> String {
        let base = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
        return String(base[..<dot])
    }

    private static func readText(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw DMapError(.config, "cannot read \(path): \(FileStatus.reason())", object: path)
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let data: Data
        do {
            data = try handle.readToEnd() ?? Data()
        } catch {
            throw DMapError(.config, "cannot read \(path): \(error.localizedDescription)", object: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DMapError(.config, "cannot read \(path): it is not UTF-8 text", object: path)
        }
        return text
    }
}
