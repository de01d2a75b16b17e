import Foundation
import NIOCore
@testable import DockerMapLua

/// A fresh directory under the system temporary directory, removed by `remove()`.
struct BuildScratchDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("dmap-build-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `relative`, creating parent directories.
    @discardableResult
    func file(_ relative: String, _ text: String = "", mode: Int = 0o644) throws -> String {
        try file(relative, data: Data(text.utf8), mode: mode)
    }

    @discardableResult
    func file(_ relative: String, data: Data, mode: Int = 0o644) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: full))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: full)
        return full
    }

    func directory(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path + "/" + relative, withIntermediateDirectories: true)
    }

    func symlink(_ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path + "/" + relative, withDestinationPath: target)
    }
}

/// Runs `executable` with `arguments` in a UTF-8 locale; returns its exit status and standard output. Standard
/// error goes to the output too, so that a failure shows why.
func runTool(_ executable: String, _ arguments: [String], in directory: String? = nil) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.environment = ProcessInfo.processInfo.environment.merging(["LC_ALL": "C.UTF-8"]) { $1 }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}

/// `python3` from the PATH.
func pythonPath() -> String {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let candidate = "\(directory)/python3"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return "/usr/bin/python3"
}

/// Writes the archive of `context` to `path`; returns the sizes of the pieces the sink received.
@discardableResult
func writeArchive(_ context: BuildContext, to path: String, chunkSize: Int = TarWriter.defaultChunkSize) async throws
    -> [Int]
{
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    var sizes: [Int] = []
    try await context.write(chunkSize: chunkSize) { chunk in
        sizes.append(chunk.readableBytes)
        try handle.write(contentsOf: Data(chunk.readableBytesView))
    }
    return sizes
}
