import Foundation
import Testing
@testable import DockerMapLua

@Suite("Engine addresses and settings")
struct EndpointTests {
    @Test("Addresses parse as the docker CLI reads them")
    func parse() throws {
        #expect(try EngineEndpoint.parse("unix:///var/run/docker.sock") == .unix(path: "/var/run/docker.sock"))
        #expect(try EngineEndpoint.parse("/run/d.sock") == .unix(path: "/run/d.sock"))
        #expect(try EngineEndpoint.parse("tcp://10.0.0.1") == .tcp(host: "10.0.0.1", port: 2375, tls: nil))
        let tls = TLSSettings(verify: true)
        #expect(try EngineEndpoint.parse("tcp://h", tls: tls) == .tcp(host: "h", port: 2376, tls: tls))
        #expect(try EngineEndpoint.parse("tcp://[::1]:2000") == .tcp(host: "::1", port: 2000, tls: nil))
        #expect(try EngineEndpoint.parse("https://example.com:443") == .tcp(host: "example.com", port: 443, tls: tls))
        guard case .ssh(let s) = try EngineEndpoint.parse("ssh://me@box:2222/run/docker.sock") else {
            Issue.record("not ssh"); return
        }
        #expect(s.user == "me" && s.host == "box" && s.port == 2222 && s.socket == "/run/docker.sock")
        guard case .ssh(let plain) = try EngineEndpoint.parse("ssh://box") else { Issue.record("not ssh"); return }
        #expect(plain.user == nil && plain.port == nil && plain.socket == nil)
    }

    @Test("Bad addresses are usage errors that say why", arguments: ["ftp://x", "tcp://", "tcp://h:99999", "unix://rel", "nonsense", "tcp://h:x"])
    func bad(url: String) {
        #expect {
            try EngineEndpoint.parse(url)
        } throws: { error in
            let e = error as? DMapError
            return e?.kind == .usage && e?.message.contains(url) == true
        }
    }

    @Test("The ssh command carries the socket, port, user and multiplexing, never a password")
    func sshArguments() throws {
        guard case .ssh(let s) = try EngineEndpoint.parse(
            "ssh://root@127.0.0.1:22220/tmp/d.sock", ssh: SSHOptions(configFile: "/c", options: ["BatchMode=yes"]))
        else { Issue.record("not ssh"); return }
        let args = SSHDialProcess.arguments(s)
        #expect(args.prefix(4) == ["-F", "/c", "-o", "BatchMode=yes"])
        #expect(args.contains("ControlMaster=auto") && args.contains("ControlPersist=60"))
        #expect(args.suffix(11) == ["-p", "22220", "-o", "ConnectTimeout=30", "-T", "127.0.0.1", "--", "docker",
                                    "--host=unix:///tmp/d.sock", "system", "dial-stdio"])
        #expect(args.contains("-l") && args[args.firstIndex(of: "-l")! + 1] == "root")
    }

    @Test("TLS comes from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH as the docker CLI reads them")
    func tlsFromEnvironment() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dmap-certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for f in ["ca.pem", "cert.pem", "key.pem"] { _ = FileManager.default.createFile(atPath: dir.path + "/" + f, contents: Data()) }
        #expect(TLSSettings.fromEnvironment([:]) == nil)
        let verified = TLSSettings.fromEnvironment(["DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": dir.path])
        #expect(verified == TLSSettings(verify: true, caCert: dir.path + "/ca.pem", clientCert: dir.path + "/cert.pem", clientKey: dir.path + "/key.pem"))
        // A cert path without DOCKER_TLS_VERIFY means TLS without verifying the engine.
        #expect(TLSSettings.fromEnvironment(["DOCKER_CERT_PATH": dir.path])?.verify == false)
        let config = DockerClient.Configuration.fromEnvironment(["DOCKER_HOST": "tcp://h:1", "DOCKER_API_VERSION": "1.40"])
        #expect(config.baseURL == "tcp://h:1" && config.version == "1.40" && config.tls == nil)
        #expect(DockerClient.Configuration.fromEnvironment([:], host: "unix:///x").baseURL == "unix:///x")
    }

    @Test("Query parameters: booleans as words, tables as JSON, in a stable order")
    func query() {
        let q = DockerClient.query(["all": true, "filters": ["label": ["a=b"]], "limit": 3, "skip": .null])
        #expect(q.map { "\($0.0)=\($0.1)" } == ["all=true", #"filters={"label":["a=b"]}"#, "limit=3"])
        let request = EngineRequest("GET", DockerClient.path("/containers/{}/json", "a b"), query: [("filters", "{\"x\":1}")])
        #expect(request.target(apiVersion: "1.41") == "/v1.41/containers/a%20b/json?filters=%7B%22x%22%3A1%7D")
        #expect(EngineRequest("GET", "/_ping", versioned: false).target(apiVersion: "1.41") == "/_ping")
    }
}
