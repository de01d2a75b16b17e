import Foundation
import Testing
@testable import DockerMapLua

/// Shared fixtures of the Auth*Tests files: temporary directories, config files and helper scripts.
enum AuthFixture {
    /// A fresh directory, removed by the caller.
    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dmap-auth-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `dir/name` (creating `dir`), with `mode`.
    @discardableResult
    static func save(_ text: String, to dir: String, _ name: String, mode: Int = 0o644) throws -> String {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = (dir as NSString).appendingPathComponent(name)
        // Close-on-exec, so that no helper started meanwhile by another test inherits it (exec would fail: ETXTBSY).
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw DMapError(.config, "cannot write \(path)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count, fchmod(fd, mode_t(mode)) == 0 else {
            throw DMapError(.config, "cannot write \(path)")
        }
        return path
    }

    /// Writes an executable `docker-credential-<name>` shell script into `dir`.
    static func helper(_ name: String, in dir: String, _ body: String) throws {
        try save("#!/bin/sh\n" + body + "\n", to: dir, "docker-credential-\(name)", mode: 0o755)
    }

    /// An environment whose PATH has `dir` first (and the usual tools after it).
    static func environment(path dir: String, _ extra: [String: String] = [:]) -> [String: String] {
        ["PATH": dir + ":/usr/bin:/bin"].merging(extra) { _, new in new }
    }

    /// `base64("user:pass")`, as `docker login` writes it into `auths`.
    static func basic(_ user: String, _ pass: String) -> String { Data("\(user):\(pass)".utf8).base64EncodedString() }

    /// Decodes a header value the way the engine does: base64url with padding, then JSON.
    static func decodeHeader(_ header: String) -> Any? {
        let standard = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard let data = Data(base64Encoded: standard) else { return nil }
        return try? JSONSerialization.jsonObject(with: data)
    }
}

@Suite("Registry credentials: header encoding and redaction")
struct AuthHeaderTests {
    @Test("X-Registry-Auth is padded base64url of the engine's AuthConfig JSON")
    func headerEncoding() throws {
        let auth = RegistryAuth(username: "u", password: "a??b>>c~", serverAddress: "r.example.com")
        // The password is chosen so that standard base64 of the JSON has both '+' and '/'.
        let standard = auth.engineJSON.base64EncodedString()
        #expect(standard.contains("+") && standard.contains("/"))
        let header = auth.headerValue
        #expect(header.contains("-") && header.contains("_"))
        #expect(!header.contains("+") && !header.contains("/"))
        #expect(header == standard.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
        #expect(header.count % 4 == 0 && header.hasSuffix("="))
        let decoded = try #require(AuthFixture.decodeHeader(header) as? [String: String])
        #expect(decoded == ["username": "u", "password": "a??b>>c~", "serveraddress": "r.example.com"])
    }

    @Test("Email is sent when set; an identity token replaces username and password")
    func jsonForms() throws {
        let withEmail = RegistryAuth(username: "u", password: "p", email: "u@example.com", serverAddress: "r.io")
        #expect(AuthFixture.decodeHeader(withEmail.headerValue) as? [String: String]
            == ["username": "u", "password": "p", "email": "u@example.com", "serveraddress": "r.io"])
        let token = RegistryAuth(username: "u", serverAddress: "https://index.docker.io/v1/", identityToken: "tok")
        #expect(AuthFixture.decodeHeader(token.headerValue) as? [String: String]
            == ["identitytoken": "tok", "serveraddress": "https://index.docker.io/v1/"])
        // Slashes are not escaped, so the JSON reads as the engine's own.
        #expect(String(decoding: token.engineJSON, as: UTF8.self).contains("\"https://index.docker.io/v1/\""))
    }

    @Test("Anonymous is base64url of {}")
    func anonymous() {
        #expect(RegistryAuth().headerValue == RegistryAuth.anonymousHeader)
        #expect(RegistryAuth.anonymousHeader == "e30=")
        #expect(AuthFixture.decodeHeader("e30=") as? [String: String] == [:])
        #expect(RegistryAuth().isAnonymous && !RegistryAuth(identityToken: "t").isAnonymous)
    }

    @Test("No way of printing credentials shows the password or the token")
    func redaction() {
        let password = RegistryAuth(username: "alice", password: "hunter2-SECRET", email: "a@example.com",
                                    serverAddress: "registry.example.com")
        let token = RegistryAuth(username: "bob", serverAddress: "docker.io", identityToken: "tok-SECRET")
        for auth in [password, token] {
            var dumped = ""
            dump(auth, to: &dumped)
            var dumpedInArray = ""
            dump([auth], to: &dumpedInArray)
            let renderings = [
                "\(auth)", String(describing: auth), String(reflecting: auth), dumped, dumpedInArray, "\([auth])",
                "\(Optional(auth) as Any)", "\(["r": auth])", "\(Mirror(reflecting: auth).children.map { $0.value })",
                DMapError(.auth, "failed with \(auth)").description,
            ]
            for text in renderings {
                #expect(!text.contains("SECRET"), "leaked in: \(text.replacingOccurrences(of: "SECRET", with: "…"))")
            }
            #expect(String(describing: auth).contains("<redacted>"))
            #expect(dumped.contains("<redacted>"))
        }
        #expect("\(password)".contains("alice") && "\(password)".contains("registry.example.com"))
        #expect("\(RegistryAuth())" == "RegistryAuth(anonymous)")
    }

    @Test("auth_configs tables become credentials; bad ones are config errors that do not echo values")
    func authConfigsFromValue() throws {
        let table: Value = [
            "registry.example.com": ["username": "u", "password": "p", "email": "e@x", "reauth": true],
            "https://index.docker.io/v1/": ["identitytoken": "t"],
        ]
        let configs = try RegistryAuth.authConfigs(from: table)
        #expect(configs["registry.example.com"] == RegistryAuth(username: "u", password: "p", email: "e@x"))
        #expect(configs["https://index.docker.io/v1/"] == RegistryAuth(identityToken: "t"))
        #expect(try RegistryAuth.authConfigs(from: nil).isEmpty)
        #expect {
            try RegistryAuth.authConfigs(from: ["r.io": ["username": "u", "pasword": "SECRET"]])
        } throws: { error in
            let e = error as? DMapError
            return e?.kind == .config && e?.message.contains("pasword") == true && e?.message.contains("r.io") == true
                && e?.message.contains("SECRET") == false
        }
        #expect {
            try RegistryAuth.authConfigs(from: ["r.io": ["password": 12345]])
        } throws: { error in
            let e = error as? DMapError
            return e?.kind == .config && e?.message.contains("12345") == false
        }
        #expect(throws: DMapError.self) { try RegistryAuth.authConfigs(from: "nope") }
    }
}

@Suite("Registry names")
struct AuthRegistryNameTests {
    @Test("The registry of an image reference", arguments: [
        ("busybox", "docker.io"),
        ("busybox:1.36", "docker.io"),
        ("library/busybox", "docker.io"),
        ("team/app:1", "docker.io"),
        ("my_host/app", "docker.io"),
        ("docker.io/library/busybox", "docker.io"),
        ("index.docker.io/library/busybox:latest", "docker.io"),
        ("registry-1.docker.io/team/app", "docker.io"),
        ("registry.example.com/team/app:1", "registry.example.com"),
        ("registry.example.com/app@sha256:0123abcd", "registry.example.com"),
        ("127.0.0.1:5000/x", "127.0.0.1:5000"),
        ("localhost/x", "localhost"),
        ("localhost:5000/x:tag", "localhost:5000"),
        ("registry.example.com:443/a/b/c", "registry.example.com:443"),
        ("", "docker.io"),
    ])
    func registryOfImage(image: String, registry: String) {
        #expect(RegistryName.of(image: image) == registry)
    }

    @Test("Config keys normalise to hostname[:port]; Docker Hub aliases to docker.io", arguments: [
        ("https://registry.example.com/v1/", "registry.example.com"),
        ("http://127.0.0.1:5000", "127.0.0.1:5000"),
        ("https://127.0.0.1:5000/v2/", "127.0.0.1:5000"),
        ("registry.example.com", "registry.example.com"),
        ("https://index.docker.io/v1/", "docker.io"),
        ("index.docker.io", "docker.io"),
        ("registry-1.docker.io", "docker.io"),
        ("docker.io", "docker.io"),
        ("HTTPS://Index.Docker.io/v1/", "docker.io"),
        ("", "docker.io"),
    ])
    func normalise(key: String, name: String) {
        #expect(RegistryName.normalise(key) == name)
    }

    @Test("Split keeps the rest of the reference; config keys for helpers and X-Registry-Config")
    func splitAndKeys() {
        #expect(RegistryName.split(image: "127.0.0.1:5000/x:1") == ("127.0.0.1:5000", "x:1"))
        #expect(RegistryName.split(image: "team/app") == ("docker.io", "team/app"))
        #expect(RegistryName.configKey(for: "docker.io") == "https://index.docker.io/v1/")
        #expect(RegistryName.configKey(for: "index.docker.io") == "https://index.docker.io/v1/")
        #expect(RegistryName.configKey(for: "https://registry.example.com/v1/") == "registry.example.com")
        #expect(RegistryName.isDockerHub("https://index.docker.io/v1/") && !RegistryName.isDockerHub("quay.io"))
    }
}
