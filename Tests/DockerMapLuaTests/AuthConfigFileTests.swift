import Foundation
import Testing
@testable import DockerMapLua

@Suite("Registry credentials: docker config.json")
struct AuthConfigFileTests {
    static let config = """
        {
          "auths": {
            "https://index.docker.io/v1/": {"auth": "\(AuthFixture.basic("hubuser", "hubpass"))"},
            "registry.example.com": {"auth": "\(AuthFixture.basic("alice", "pa:ss"))", "email": "alice@example.com"},
            "http://127.0.0.1:5000": {"identitytoken": "local-token"},
            "https://legacy.example.com/v1/": {"auth": "\(AuthFixture.basic("old", "timer"))"},
            "empty.example.com": {}
          },
          "HttpHeaders": {"User-Agent": "x"}
        }
        """

    @Test("HOME/.docker/config.json: auths with hostname-normalised keys")
    func homeAuths() throws {
        let home = try AuthFixture.directory()
        defer { AuthFixture.remove(home) }
        try AuthFixture.save(Self.config, to: home + "/.docker", "config.json")
        let store = CredentialStore(environment: ["HOME": home])

        let hub = try #require(try store.credentials(forImage: "busybox"))
        #expect(hub.username == "hubuser" && hub.password == "hubpass")
        #expect(hub.serverAddress == "https://index.docker.io/v1/")
        #expect(try store.credentials(for: "index.docker.io") == hub)

        let alice = try #require(try store.credentials(forImage: "registry.example.com/team/app:1"))
        #expect(alice.username == "alice" && alice.password == "pa:ss" && alice.email == "alice@example.com")
        #expect(alice.serverAddress == "registry.example.com")

        let local = try #require(try store.credentials(forImage: "127.0.0.1:5000/x"))
        #expect(local.identityToken == "local-token" && local.username == nil)
        #expect(try store.credentials(for: "legacy.example.com")?.username == "old")
        #expect(try store.credentials(forImage: "empty.example.com/x") == nil)
        #expect(try store.credentials(forImage: "quay.io/x") == nil)
        #expect(try store.header(forImage: "quay.io/x") == RegistryAuth.anonymousHeader)
        let header = try #require(AuthFixture.decodeHeader(try store.header(forImage: "registry.example.com/app"))
            as? [String: String])
        #expect(header["username"] == "alice" && header["password"] == "pa:ss")
        #expect(header["serveraddress"] == "registry.example.com")
    }

    @Test("DOCKER_CONFIG wins over HOME")
    func dockerConfigVariable() throws {
        let home = try AuthFixture.directory()
        let other = try AuthFixture.directory()
        defer { AuthFixture.remove(home); AuthFixture.remove(other) }
        try AuthFixture.save(Self.config, to: home + "/.docker", "config.json")
        try AuthFixture.save(
            #"{"auths": {"registry.example.com": {"auth": "\#(AuthFixture.basic("carol", "c"))"}}}"#, to: other,
            "config.json")
        let env = ["HOME": home, "DOCKER_CONFIG": other]
        #expect(DockerConfigFile.location(environment: env) == other + "/config.json")
        #expect(DockerConfigFile.location(environment: ["HOME": home]) == home + "/.docker/config.json")
        #expect(DockerConfigFile.location(environment: [:]) == nil)
        let store = CredentialStore(environment: env)
        #expect(try store.credentials(for: "registry.example.com")?.username == "carol")
        #expect(try store.credentials(for: "docker.io") == nil)
    }

    @Test("A missing or empty file means no credentials")
    func missing() throws {
        let home = try AuthFixture.directory()
        defer { AuthFixture.remove(home) }
        #expect(try CredentialStore(environment: ["HOME": home]).credentials(forImage: "busybox") == nil)
        #expect(try CredentialStore(environment: [:]).header(forImage: "busybox") == "e30=")
        #expect(try DockerConfigFile.load(environment: ["DOCKER_CONFIG": home + "/nowhere"]) == DockerConfigFile())
        try AuthFixture.save("\n", to: home, "config.json")
        #expect(try DockerConfigFile.load(environment: ["DOCKER_CONFIG": home]).auths.isEmpty)
    }

    @Test("A malformed file is a config error naming the file, never the secrets in it", arguments: [
        "{not json",
        "[1, 2]",
        #"{"auths": []}"#,
        #"{"auths": {"r.io": "SECRET"}}"#,
        #"{"auths": {"r.io": {"auth": "SECRET!!"}}}"#,
        #"{"auths": {"r.io": {"auth": "\#(Data("userSECRETnocolon".utf8).base64EncodedString())"}}}"#,
        #"{"auths": {"r.io": {"auth": 12}}}"#,
        #"{"credsStore": 1}"#,
        #"{"credHelpers": {"r.io": 1}}"#,
        #"{"credsStore": "../../bin/evil"}"#,
    ])
    func malformed(text: String) throws {
        let dir = try AuthFixture.directory()
        defer { AuthFixture.remove(dir) }
        let path = try AuthFixture.save(text, to: dir, "config.json")
        #expect {
            try CredentialStore(environment: ["DOCKER_CONFIG": dir]).credentials(forImage: "r.io/x")
        } throws: { error in
            guard let e = error as? DMapError else { return false }
            return e.kind == .config && e.message.contains(path) && !e.message.contains("SECRET")
                && !e.message.contains(Data("userSECRETnocolon".utf8).base64EncodedString()) && e.object == "r.io/x"
        }
    }

    @Test("credsStore and credHelpers are read; credHelpers override credsStore per registry")
    func helperSelection() throws {
        let text = """
            {"credsStore": "desktop", "credHelpers": {"gcr.io": "gcloud", "https://registry.example.com": "corp",
             "https://index.docker.io/v1/": "hub"}}
            """
        let file = try DockerConfigFile.parse(Data(text.utf8), path: "/x/config.json")
        #expect(file.credsStore == "desktop" && file.credHelpers.count == 3)
        #expect(file.helper(for: "gcr.io") == "gcloud")
        #expect(file.helper(for: "registry.example.com") == "corp")
        #expect(file.helper(for: "docker.io") == "hub")
        #expect(file.helper(for: "quay.io") == "desktop")
        #expect(try DockerConfigFile.parse(Data("{}".utf8), path: "/x").helper(for: "quay.io") == nil)
    }
}
