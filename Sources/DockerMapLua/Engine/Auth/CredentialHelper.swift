import Foundation

/// A docker credential helper (`docker-credential-<name>`), spoken to with the docker-credential-helpers protocol.
///
/// `get` receives the server URL on stdin and prints `{"ServerURL","Username","Secret"}`; a `Username` of `<token>`
/// means the secret is an identity token. Secrets only ever travel over the helper's stdin and stdout, never on a
/// command line, and no error message carries one. The helper is looked up on the `PATH` of the given environment,
/// which it also runs with, and is killed if it does not answer within the timeout.
public struct CredentialHelper: Sendable {
    /// How long a helper may take before it is killed.
    public static let defaultTimeout: Duration = .seconds(30)
    /// The username with which a helper says that the secret is an identity token.
    public static let tokenUsername = "<token>"

    /// The helper's name as in `credsStore`/`credHelpers`, e.g. `desktop`, `osxkeychain`, `pass`, `ecr-login`.
    public let name: String
    /// The environment the helper runs with; its `PATH` is where the helper is looked for.
    public var environment: [String: String]
    /// How long the helper may take.
    public var timeout: Duration

    /// A helper called `docker-credential-<name>`, found on `environment["PATH"]`.
    public init(name: String, environment: [String: String], timeout: Duration = defaultTimeout) {
        self.name = name
        self.environment = environment
        self.timeout = timeout
    }

    /// The executable's name: `docker-credential-<name>`.
    public var programName: String { "docker-credential-\(name)" }

    /// The credentials the helper keeps for `serverURL` (a hostname[:port], or `https://index.docker.io/v1/` for
    /// Docker Hub), or `nil` when it has none ("credentials not found", or an empty username and secret).
    /// Any other failure (not installed, timeout, error exit, unreadable answer) is a `.auth` error.
    public func get(serverURL: String) throws -> RegistryAuth? {
        let what = "for registry \(serverURL)"
        let output = try run("get", input: Data(serverURL.utf8), what: what)
        if output.status != 0 {
            if Self.saysNotFound(output) { return nil }
            throw failure(what, output)
        }
        guard let object = try? JSONSerialization.jsonObject(with: output.stdout) as? [String: Any],
            let username = object["Username"] as? String, let secret = object["Secret"] as? String
        else { throw DMapError(.auth, "credential helper \(programName) gave an unreadable answer \(what)") }
        if username.isEmpty && secret.isEmpty { return nil }
        if username == Self.tokenUsername {
            return RegistryAuth(serverAddress: serverURL, identityToken: secret)
        }
        return RegistryAuth(username: username, password: secret, serverAddress: serverURL)
    }

    /// The servers the helper keeps credentials for, with their usernames (`list`; no secrets are involved).
    public func list() throws -> [String: String] {
        let what = "when listing its entries"
        let output = try run("list", input: Data(), what: what)
        guard output.status == 0 else { throw failure(what, output) }
        guard let object = try? JSONSerialization.jsonObject(with: output.stdout) as? [String: Any] else {
            throw DMapError(.auth, "credential helper \(programName) gave an unreadable answer \(what)")
        }
        return object.compactMapValues { $0 as? String }
    }

    /// Runs `docker-credential-<name> <action>`, turning every way it can fail to run into a `.auth` error.
    private func run(_ action: String, input: Data, what: String) throws -> HelperProcess.Output {
        guard let executable = HelperProcess.find(programName, path: environment["PATH"]) else {
            throw DMapError(.auth, "credential helper \(programName) (\(what)) is not installed or not on PATH")
        }
        do {
            return try HelperProcess.run(
                executable, [action], input: input, environment: environment, timeout: timeout)
        } catch .notStarted(let code) {
            throw DMapError(
                .auth, "cannot run credential helper \(programName) \(what): \(String(cString: strerror(code)))")
        } catch .timedOut {
            throw DMapError(
                .auth, "credential helper \(programName) did not answer within \(Self.seconds(timeout)) \(what)")
        } catch .outputTooLarge {
            throw DMapError(.auth, "credential helper \(programName) printed too much \(what)")
        }
    }

    /// What docker-credential-helpers' `ErrCredentialsNotFound` prints ("credentials not found in native keychain").
    static func saysNotFound(_ output: HelperProcess.Output) -> Bool {
        let text = String(decoding: output.stdout + output.stderr, as: UTF8.self).lowercased()
        return text.contains("credentials not found")
    }

    /// An error exit, with the helper's own first line of complaint unless it looks like it could hold data.
    private func failure(_ what: String, _ output: HelperProcess.Output) -> DMapError {
        var message = "credential helper \(programName) failed \(what) (exit status \(output.status))"
        let said = [output.stderr, output.stdout]
            .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
            .first { !$0.isEmpty }
        if let said, let line = said.split(separator: "\n").first, !line.hasPrefix("{") {
            message += ": " + String(line.prefix(200))
        }
        return DMapError(.auth, message)
    }

    /// `30 s`, `0.5 s`.
    private static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 { return "\(seconds) s" }
        return "\(Double(seconds) + Double(attoseconds) / 1e18) s"
    }
}
