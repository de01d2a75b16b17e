import Foundation
import NIOConcurrencyHelpers
import Testing
import DockerMapLua

/// What `scripts/test` starts: a private engine (unix socket, a plain TCP proxy, TLS, ssh) and a registry.
/// An integration test that cannot find its engine fails; it never skips.
enum TestEnv {
    struct Missing: Error, CustomStringConvertible {
        let name: String
        var description: String { "\(name) is not set: run the integration tests through scripts/test" }
    }

    static func require(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { throw Missing(name: name) }
        return value
    }

    static var host: String { get throws { try require("DMAP_TEST_HOST") } }

    /// A name unique to this test run, for containers, networks, volumes and tags.
    static func unique(_ prefix: String) -> String {
        "dmap-it-\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// The directory that holds the built `dmap-lua` (next to the test bundle).
    static var binary: String {
        get throws {
            var candidates: [URL] = []
            let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            var dir = exe.deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(dir.appendingPathComponent("dmap-lua"))
                dir = dir.deletingLastPathComponent()
            }
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
            candidates.append(root.appendingPathComponent(".build/debug/dmap-lua"))
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
                throw Missing(name: "the dmap-lua binary (build it first)")
            }
            return found.path
        }
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}

/// Collects what scripts report.
final class Reports: Sendable {
    private let items = NIOLockedValueBox<[[Value]]>([])
    var all: [[Value]] { items.withLockedValue { $0 } }
    var last: [Value] { all.last ?? [] }
    func add(_ values: [Value]) { items.withLockedValue { $0.append(values) } }
}

/// Runs Lua `code` in a fresh runtime whose default engine is `host` (the test engine unless given).
@discardableResult
func runLua(_ code: String, host: String? = nil, environment: [String: String] = [:]) async throws -> Reports {
    let reports = Reports()
    let runtime = try makeReportingRuntime(host: try host ?? TestEnv.host, environment: environment, reports: reports)
    try await runtime.runAsync(string: code, name: "=test")
    return reports
}

/// A runtime whose `report(...)` adds to `reports`.
func makeReportingRuntime(host: String, environment: [String: String], reports: Reports) throws -> LuaRuntime {
    let runtime = try LuaRuntime(options: .init(defaultHost: host, environment: environment))
    runtime.register("report") { args in
        reports.add(args)
        return []
    }
    return runtime
}

/// Runs the `dmap-lua` binary; returns its exit status, stdout and stderr.
func runCLI(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) async throws -> (
    status: Int32, stdout: String, stderr: String
) {
    try await runProgram(try TestEnv.binary, arguments, environment: environment, stdin: stdin)
}

/// Runs a program; returns its exit status, stdout and stderr. The waiting happens on a dispatch thread, so tests
/// that run programs never hold Swift's cooperative pool (two threads on the CI machine) while they wait.
func runProgram(_ path: String, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil)
    async throws -> (status: Int32, stdout: String, stderr: String)
{
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result {
                try runProgramBlocking(path, arguments, environment: environment, stdin: stdin)
            })
        }
    }
}

private func runProgramBlocking(_ path: String, _ arguments: [String], environment: [String: String], stdin: String?)
    throws -> (status: Int32, stdout: String, stderr: String)
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}
