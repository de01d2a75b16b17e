import Foundation
import Testing
@testable import DockerMapLua

// The create request of a container of a map (Docker-Map's get_container_create_kwargs and
// get_container_host_config_kwargs with docker-py's conversions; dockermap-features.md §6.4, §4.1, §5.2, §15),
// checked on the exact JSON sent to the engine.

/// The create request of `config` in the map `value`.
func createRequest(
    _ value: InputValue, _ config: String, instance: String? = nil, client: ClientSettings = ClientSettings(),
    name: String = "m"
) throws -> ContainerCreateRequest {
    try ContainerCreateRequest.build(
        map: try ContainerMap.parse(name: name, value), config: config, instance: instance, client: client)
}

/// Compact JSON with sorted keys, so that a failed comparison shows both sides readably.
func jsonText(_ value: Value?) -> String {
    guard let value else { return "(nothing)" }
    return String(decoding: value.encodeJSON(), as: UTF8.self)
}

/// The `config` error building the request throws.
func createError(
    _ value: InputValue, _ config: String, instance: String? = nil, client: ClientSettings = ClientSettings()
) throws -> DMapError {
    let map = try ContainerMap.parse(name: "m", value)
    return try #require(throws: DMapError.self) {
        try ContainerCreateRequest.build(map: map, config: config, instance: instance, client: client)
    }
}

@Suite("CreateRequest: container create requests")
struct CreateRequestTests {
    static let privateClient = ClientSettings(interfaces: ["private": "10.0.0.11"])

    // MARK: golden requests of Docker-Map's test maps

    @Test("MAP_DATA_2 server on a client with interfaces: the whole request")
    func map2Server() throws {
        let map = try ContainerMap.parse(name: "main", ModelTestData.map2ParentNamed)
        let request = try ContainerCreateRequest.build(
            map: map, config: "server", instance: nil, client: Self.privateClient)
        #expect(request.name == "main.server")
        #expect(request.image == "registry.example.com/server:latest")
        #expect(request.connects.isEmpty)
        let expected: Value = [
            "Image": "registry.example.com/server:latest",
            "Hostname": "main-server",
            "User": "server_user",
            "Labels": ["dmap.map": "main", "dmap.config": "server"],
            "Volumes": [
                "/var/lib/app/config": [:], "/var/lib/app/data": [:], "/var/lib/app/log": [:],
                "/var/lib/server/log": [:], "/var/run/redis": [:],
            ],
            "ExposedPorts": ["8443/tcp": [:]],
            "HostConfig": [
                "Binds": [
                    "/var/lib/site/app/config:/var/lib/app/config:ro",
                    "/var/lib/site/app/data:/var/lib/app/data:rw",
                    "main.server.app_log:/var/lib/app/log:rw",
                    "main.server.server_log:/var/lib/server/log:rw",
                    "main.redis.redis_socket:/var/run/redis:rw",
                ],
                "Links": ["main.svc:svc_alias1", "main.svc:svc_alias2"],
                "PortBindings": ["8443/tcp": [["HostIp": "10.0.0.11", "HostPort": "8443"]]],
                "RestartPolicy": ["MaximumRetryCount": 3, "Name": "always"],
                "Memory": 1_073_741_824,
                "CpuShares": 15,
            ],
        ]
        #expect(jsonText(request.body) == jsonText(expected))
    }

    @Test("MAP_DATA_2 worker: entrypoint and command split, limits from create_options into HostConfig")
    func map2Worker() throws {
        let map = try ContainerMap.parse(name: "main", ModelTestData.map2ParentNamed)
        let body = try ContainerCreateRequest.build(map: map, config: "worker", instance: nil, client: ClientSettings())
            .body
        #expect(jsonText(body["Entrypoint"]) == jsonText(["celery"]))
        #expect(jsonText(body["Cmd"]) == jsonText(["worker", "-A", "MyApp", "-Q", "queue1,queue2"]))
        let host = try #require(body["HostConfig"])
        #expect(host["Memory"] == .int(2 * 1_073_741_824))
        #expect(host["CpuShares"] == 10)
        #expect(jsonText(host["RestartPolicy"]) == jsonText(["MaximumRetryCount": 0, "Name": "always"]))
        #expect(body["User"] == "app_user")
    }

    @Test("MAP_DATA_1_NEW app_server.instance1 (Docker-Map's test_create_kwargs_with_host_config_and_volumes_networks)")
    func map1NewAppServer() throws {
        let map = try ContainerMap.parse(name: "main", ModelTestData.map1New)
            .merged(with: ["app_server": ["host_config": ["binds": ["/new_h:/new_c:rw"]]]])
        let request = try ContainerCreateRequest.build(
            map: map, config: "app_server", instance: "instance1", client: ClientSettings())
        #expect(request.name == "main.app_server.instance1")
        #expect(request.connects.isEmpty)
        let expected: Value = [
            "Image": "registry.example.com/app:custom",
            "Hostname": "main-app-server-instance1",
            "User": "2000",
            "Labels": ["dmap.map": "main", "dmap.config": "app_server", "dmap.instance": "instance1"],
            "Volumes": [
                "/var/lib/app/config": [:], "/var/lib/app/data": [:], "/var/lib/app/log": [:],
                "/var/lib/app/socket": [:],
            ],
            "ExposedPorts": ["8880/tcp": [:]],
            "NetworkingConfig": ["EndpointsConfig": ["main.app": [:]]],
            "StopSignal": "SIGTERM",
            "StopTimeout": 10,
            "Healthcheck": [
                "Test": ["CMD", "curl", "http://localhost/"], "Interval": 60_000_000_000, "Timeout": 1_000_000_000,
                "Retries": 3, "StartPeriod": 5_000_000_000,
            ],
            "HostConfig": [
                "Binds": [
                    "/var/lib/site/config/app1:/var/lib/app/config:ro",
                    "/var/lib/site/data/app1:/var/lib/app/data:rw",
                    "main.app_log:/var/lib/app/log:rw",
                    "main.app_server_socket:/var/lib/app/socket:rw",
                    "/new_h:/new_c:rw",
                ],
                "NetworkMode": "main.app",
            ],
        ]
        #expect(jsonText(request.body) == jsonText(expected))
    }

    @Test("MAP_DATA_1_NEW web_server: bridge first, the app network connected after create with its links")
    func map1NewWebServer() throws {
        let map = try ContainerMap.parse(name: "main", ModelTestData.map1New)
        let request = try ContainerCreateRequest.build(map: map, config: "web_server", instance: nil, client: ClientSettings())
        let expected: Value = [
            "Image": "registry.example.com/nginx:latest",
            "Hostname": "main-web-server",
            "Labels": ["dmap.map": "main", "dmap.config": "web_server"],
            "Volumes": ["/etc/nginx": [:], "/var/log/nginx": [:], "/var/lib/app/custom/socket": [:]],
            "ExposedPorts": ["80/tcp": [:], "443/tcp": [:]],
            "NetworkingConfig": ["EndpointsConfig": ["bridge": [:]]],
            "StopTimeout": 5,
            "HostConfig": [
                "Binds": [
                    "/var/lib/site/config/nginx:/etc/nginx:ro",
                    "main.web_log:/var/log/nginx:rw",
                    "main.app_server_socket:/var/lib/app/custom/socket:rw",
                ],
                "PortBindings": [
                    "80/tcp": [["HostIp": "", "HostPort": "80"]], "443/tcp": [["HostIp": "", "HostPort": "443"]],
                ],
                "NetworkMode": "bridge",
            ],
        ]
        #expect(jsonText(request.body) == jsonText(expected))
        #expect(request.connects.count == 1)
        #expect(request.connects.first?.network == "main.app")
        #expect(jsonText(request.connects.first?.body) == jsonText([
            "Container": "main.web_server",
            "EndpointConfig": ["Links": ["main.app_server.instance1:i1", "main.app_server.instance2:i2"]],
        ]))
    }

    @Test("MAP_DATA_1 web_server: links default to the host name of the reference")
    func map1WebServerLinks() throws {
        let map = try ContainerMap.parse(name: "main", ModelTestData.map1)
        let body = try ContainerCreateRequest.build(map: map, config: "web_server", instance: nil, client: ClientSettings()).body
        #expect(jsonText(body["HostConfig"]?["Links"]) == jsonText([
            "main.app_server.instance1:app-server-instance1", "main.app_server.instance2:app-server-instance2",
        ]))
    }

    // MARK: names, host name, domain, user, labels

    @Test("Host name per client; set_hostname = false leaves it out")
    func hostname() throws {
        let data: InputValue = ["app_server": [:]]
        #expect(try createRequest(data, "app_server").body["Hostname"] == "m-app-server")
        #expect(try createRequest(data, "app_server", client: ClientSettings(name: "c1")).body["Hostname"] == "m-app-server-c1")
        #expect(try createRequest(["set_hostname": false, "app": [:]], "app").body["Hostname"] == nil)
        #expect(try createRequest(["set_hostname": true, "app": [:]], "app").body["Hostname"] == "m-app")
    }

    @Test("Domain name: the map's default_domain, overridden by the client; an empty one is left out")
    func domainname() throws {
        let data: InputValue = ["default_domain": "example.com", "app": [:]]
        #expect(try createRequest(data, "app").body["Domainname"] == "example.com")
        #expect(try createRequest(data, "app", client: ClientSettings(domainname: "corp.net")).body["Domainname"] == "corp.net")
        #expect(try createRequest(data, "app", client: ClientSettings(domainname: "")).body["Domainname"] == nil)
        #expect(try createRequest(["app": [:]], "app").body["Domainname"] == nil)
    }

    @Test("User: only the user part", arguments: [
        (InputValue.string("app"), "app"), ("app:staff", "app"), (1000, "1000"), (["app", "staff"], "app"),
        ([1000, 1000], "1000"), (0, "0"), ("0", "0"),
    ] as [(InputValue, String)])
    func user(user: InputValue, expected: String) throws {
        #expect(try createRequest(["app": ["user": user]], "app").body["User"] == .string(expected))
    }

    @Test("Labels name the map, configuration and instance; user labels are merged over them")
    func labels() throws {
        let data: InputValue = ["db": ["instances": ["one", "two"], "create_options": ["labels": ["team": "a", "dmap.map": "x"]]]]
        let body = try createRequest(data, "db", instance: "two").body
        #expect(jsonText(body["Labels"]) == jsonText([
            "dmap.map": "x", "dmap.config": "db", "dmap.instance": "two", "team": "a",
        ]))
        let listed = try createRequest(["app": ["create_options": ["labels": ["blue", "green"]]]], "app").body
        #expect(jsonText(listed["Labels"]) == jsonText([
            "dmap.map": "m", "dmap.config": "app", "blue": "", "green": "",
        ]))
    }

    @Test("Unknown or abstract configurations and wrong instances are usage errors")
    func usageErrors() throws {
        let map = try ContainerMap.parse(name: "m", ["base": ["abstract": true], "db": ["instances": ["one"]], "web": [:]])
        func error(_ config: String, _ instance: String?) throws -> DMapError {
            try #require(throws: DMapError.self) {
                try ContainerCreateRequest.build(map: map, config: config, instance: instance, client: ClientSettings())
            }
        }
        #expect(try error("wbe", nil).message == "unknown container configuration 'wbe' in map 'm' (did you mean 'web'?)")
        #expect(try error("base", nil).kind == .usage)
        #expect(try error("db", nil).message == "'db' of map 'm' has instances (one); name one of them")
        #expect(try error("db", "eno").message == "'db' of map 'm' has no instance 'eno' (did you mean 'one'?)")
        #expect(try error("web", "one").message == "'web' of map 'm' has no instance 'one' (it has no instances)")
    }

    // MARK: volumes

    @Test("Per-instance host paths; `default` when there is no instance")
    func perInstanceHostPaths() throws {
        let map = try ContainerMap.parse(name: "main", ModelTestData.map1)
        let body = try ContainerCreateRequest.build(map: map, config: "app_server", instance: "instance2", client: ClientSettings()).body
        #expect(jsonText(body["HostConfig"]?["Binds"]) == jsonText([
            "/var/lib/site/config/app2:/var/lib/app/config:ro", "/var/lib/site/data/app2:/var/lib/app/data:rw",
            "main.app_log:/var/lib/app/log:rw", "main.app_server_socket:/var/lib/app/socket:rw",
        ]))
        let single = try createRequest([
            "volumes": ["data": "/data"], "host": ["data": ["default": "/srv/default", "other": "/srv/other"]],
            "app": ["binds": ["data", ["/cfg", ["default": "cfg/default"], "ro"]]], "host_root": "/srv",
        ], "app").body
        #expect(jsonText(single["HostConfig"]?["Binds"]) == jsonText(["/srv/default:/data:rw", "/srv/cfg/default:/cfg:ro"]))
    }

    @Test("A per-instance table without the instance (given by a function) is a config error naming container and alias")
    func missingInstancePath() throws {
        let paths = CountingLazy("host path", ["one": "/srv/one"])
        let data: InputValue = table(
            ("volumes", ["data": "/data"]), ("host", table(("data", paths.input))),
            ("db", ["instances": ["one", "two"], "binds": "data"]))
        #expect(try createRequest(data, "db", instance: "one").body["HostConfig"]?["Binds"] == ["/srv/one:/data:rw"])
        let error = try createError(data, "db", instance: "two")
        #expect(error.kind == .config)
        #expect(error.message == "m.containers.db.binds[1]: no host path for instance 'two' of volume alias 'data' of 'db'")
        #expect(error.object == "m.db.two")
    }

    @Test("Relative host paths are joined to host.root as posixpath.join does", arguments: [
        (InputValue.string("/srv"), "data", "/srv/data"), ("/srv/", "data", "/srv/data"), ("/srv", "/abs", "/abs"),
        ("/srv", "./rel", "/srv/./rel"), (nil, "data", "data"), ("", "data", "data"),
    ] as [(InputValue, String, String)])
    func relativeHostPaths(root: InputValue, hostPath: String, expected: String) throws {
        var data: [(key: InputValue, value: InputValue)] = [
            (key: "volumes", value: ["v": "/v"]), (key: "host", value: ["v": .string(hostPath)]),
            (key: "app", value: ["binds": ["v", ["/h", .string(hostPath)]]]),
        ]
        if !root.isNull { data.append((key: "host_root", value: root)) }
        let binds = try createRequest(.dict(data), "app").body["HostConfig"]?["Binds"]
        #expect(binds == [.string("\(expected):/v:rw"), .string("\(expected):/h:rw")])
    }

    @Test("Shares, binds, attached and used volumes make Volumes; uses of containers make VolumesFrom")
    func volumesAndUses() throws {
        let data: InputValue = [
            "volumes": ["sock": "/run/sock", "logs": "/var/log/app"],
            "db": ["instances": ["a", "b"], "shares": "/var/lib/db"],
            "cache": ["shares": ["/cache"]],
            "app": ["shares": "/tmp/x", "attaches": ["sock", ["own", "/own"]], "uses": [["logs", "ro"]]],
            "logger": ["attaches": "logs"],
            "web": ["uses": [["db", "ro"], "cache", "db.b", ["sock", ["/custom", "ro"]], "own"]],
        ]
        let app = try createRequest(data, "app").body
        #expect(jsonText(app["Volumes"]) == jsonText(["/tmp/x": [:], "/run/sock": [:], "/own": [:], "/var/log/app": [:]]))
        #expect(jsonText(app["HostConfig"]?["Binds"]) == jsonText([
            "m.sock:/run/sock:rw", "m.own:/own:rw", "m.logs:/var/log/app:ro",
        ]))
        let web = try createRequest(data, "web").body
        #expect(jsonText(web["Volumes"]) == jsonText(["/custom": [:], "/own": [:]]))
        #expect(jsonText(web["HostConfig"]?["Binds"]) == jsonText(["m.sock:/custom:ro", "m.own:/own:rw"]))
        #expect(jsonText(web["HostConfig"]?["VolumesFrom"]) == jsonText(["m.db.a:ro", "m.db.b:ro", "m.cache", "m.db.b"]))
    }

    @Test("With use_attached_parent_name, volumes are named after their parent and used as parent.alias")
    func parentNamedVolumes() throws {
        let data: InputValue = [
            "use_attached_parent_name": true, "volumes": ["sock": "/run/sock"],
            "app": ["attaches": "sock"], "web": ["uses": [["app.sock", "ro"]]],
        ]
        #expect(try createRequest(data, "app").body["HostConfig"]?["Binds"] == ["m.app.sock:/run/sock:rw"])
        #expect(try createRequest(data, "web").body["HostConfig"]?["Binds"] == ["m.app.sock:/run/sock:ro"])
    }

    // MARK: ports

    @Test("Exposed ports and bindings grouped by port; a missing host port only exposes")
    func ports() throws {
        let client = ClientSettings(interfaces: ["private": "10.0.0.11"], interfacesIPv6: ["private": "fd00::11"])
        let body = try createRequest([
            "app": ["exposes": [
                8080, "53/udp", [80, 8000], [80, 8001, "private"], [443, [8443, "private", true]],
                ["exposed_port": 9000, "host_port": "9001"],
            ]],
        ], "app", client: client).body
        #expect(jsonText(body["ExposedPorts"]) == jsonText([
            "8080/tcp": [:], "53/udp": [:], "80/tcp": [:], "443/tcp": [:], "9000/tcp": [:],
        ]))
        #expect(jsonText(body["HostConfig"]?["PortBindings"]) == jsonText([
            "80/tcp": [["HostIp": "", "HostPort": "8000"], ["HostIp": "10.0.0.11", "HostPort": "8001"]],
            "443/tcp": [["HostIp": "fd00::11", "HostPort": "8443"]],
            "9000/tcp": [["HostIp": "", "HostPort": "9001"]],
        ]))
    }

    @Test("An interface without an address on the client is a config error")
    func missingInterface() throws {
        let data: InputValue = ["app": ["exposes": [[80, 8080, "private"]]]]
        let error = try createError(data, "app", client: ClientSettings(name: "web1", interfaces: ["public": "1.2.3.4"]))
        #expect(error.kind == .config)
        #expect(error.client == "web1")
        #expect(error.message == "m.containers.app.exposes[1]: interface 'private' has no address in client 'web1' "
            + "(interfaces: public)")
        let v6 = try createError(["app": ["exposes": [[80, 8080, "private", true]]]], "app", client: Self.privateClient)
        #expect(v6.message == "m.containers.app.exposes[1]: interface 'private' has no IPv6 address in client "
            + "'__default__' (interfaces_ipv6: none)")
    }

    // MARK: networks

    @Test("Network mode: presets as they are, none disables networking, container references by name")
    func networkMode() throws {
        let data: InputValue = [
            "db": [:], "srv": ["instances": ["one", "two"]],
            "a": ["network_mode": "host"], "b": ["network_mode": "none"], "c": ["network_mode": "db"],
            "d": ["network_mode": "srv.two"], "e": ["network_mode": "container:external"],
            "f": ["network_mode": ["srv", "one"]], "g": ["network_mode": "/other"],
        ]
        func mode(_ config: String) throws -> Value? { try createRequest(data, config).body["HostConfig"]?["NetworkMode"] }
        #expect(try mode("a") == "host")
        #expect(try mode("b") == "none")
        #expect(try createRequest(data, "b").body["NetworkDisabled"] == true)
        #expect(try mode("c") == "container:m.db")
        #expect(try mode("d") == "container:m.srv.two")
        #expect(try mode("e") == "container:external")
        #expect(try mode("f") == "container:m.srv.one")
        #expect(try mode("g") == "container:other")
        #expect(try createRequest(data, "db").body["HostConfig"]?["NetworkMode"] == nil)
        #expect(try createRequest(data, "a").body["NetworkDisabled"] == nil)

        // A reference without instance to a configuration with instances (the map's checks catch it first).
        let unchecked = uncheckedMap(name: "m", ["srv": ["instances": ["one"]], "x": ["network_mode": "srv"]])
        let error = try #require(throws: DMapError.self) {
            try ContainerCreateRequest.build(map: unchecked, config: "x", instance: nil, client: ClientSettings())
        }
        #expect(error.message == "m.containers.x.network_mode: 'srv' has instances (one); name one of them, e.g. 'srv.one'")
    }

    @Test("Networks: the first joins at create and is the network mode; the others are connected after")
    func networks() throws {
        let data: InputValue = [
            "networks": ["front": [:], "back": [:]],
            "db": [:],
            "web": ["networks": [
                ["front", ["aliases": ["www", "web"], "ipv4_address": "172.20.0.5", "ipv6_address": "fd00::5",
                           "link_local_ips": "169.254.0.5"]],
                ["back": ["links": [["db", "database"], "db"]]],
                "bridge",
            ]],
        ]
        let request = try createRequest(data, "web")
        #expect(request.body["HostConfig"]?["NetworkMode"] == "m.front")
        #expect(jsonText(request.body["NetworkingConfig"]) == jsonText(["EndpointsConfig": ["m.front": [
            "Aliases": ["www", "web"],
            "IPAMConfig": ["IPv4Address": "172.20.0.5", "IPv6Address": "fd00::5", "LinkLocalIPs": ["169.254.0.5"]],
        ]]]))
        #expect(request.connects.map(\.network) == ["m.back", "bridge"])
        #expect(jsonText(request.connects[0].body) == jsonText([
            "Container": "m.web", "EndpointConfig": ["Links": ["m.db:database", "m.db:db"]],
        ]))
        #expect(jsonText(request.connects[1].body) == jsonText(["Container": "m.web", "EndpointConfig": [:]]))
    }

    @Test("Networks with an explicit network mode: bridge is kept, none joins nothing, host cannot join")
    func networksWithMode() throws {
        let data: InputValue = [
            "networks": ["app": [:], "other": [:]],
            "a": ["network_mode": "bridge", "networks": ["app", "other"]],
            "b": ["network_mode": "none", "networks": ["app", "other"]],
            "c": ["network_mode": "host", "networks": "app"],
        ]
        let a = try createRequest(data, "a")
        #expect(a.body["HostConfig"]?["NetworkMode"] == "bridge")
        #expect(jsonText(a.body["NetworkingConfig"]) == jsonText(["EndpointsConfig": ["m.app": [:]]]))
        #expect(a.connects.map(\.network) == ["m.other"])
        let b = try createRequest(data, "b")
        #expect(b.body["NetworkingConfig"] == nil && b.connects.isEmpty && b.body["NetworkDisabled"] == true)
        let error = try createError(data, "c")
        #expect(error.message == "m.containers.c.networks: a container with network_mode 'host' cannot join networks")
    }

    // MARK: stop, health check

    @Test("Stop signal and timeout; health checks: a string runs in the shell, no test is NONE")
    func stopAndHealth() throws {
        let body = try createRequest(["app": ["stop_signal": "SIGINT", "stop_timeout": .double(2.5), "healthcheck": "curl -f x"]], "app").body
        #expect(body["StopSignal"] == "SIGINT")
        #expect(body["StopTimeout"] == 3)
        #expect(jsonText(body["Healthcheck"]) == jsonText(["Test": ["CMD-SHELL", "curl -f x"]]))
        let none = try createRequest(["app": ["stop_signal": 9, "healthcheck": ["test": "NONE", "retries": 2]]], "app").body
        #expect(none["StopSignal"] == "9")
        #expect(jsonText(none["Healthcheck"]) == jsonText(["Test": ["NONE"], "Retries": 2]))
        #expect(try createRequest(["app": [:]], "app").body["Healthcheck"] == nil)
    }

    // MARK: create_options and host_config

    @Test("create_options and host_config over generated values: lists united, tables updated, scalars replaced")
    func optionPrecedence() throws {
        let data: InputValue = [
            "volumes": ["v": "/v"], "host": ["v": "/h"], "db": [:],
            "app": [
                "user": "app", "binds": "v", "links": "db", "exposes": [[80, 8080]],
                "create_options": [
                    "user": "root", "hostname": "custom", "volumes": ["/v", "/extra"], "ports": [80, 81],
                    "command": "run --fast", "environment": ["A": "1", "B": 2], "mem_limit": "512m",
                ],
                "host_config": [
                    "binds": ["/h:/v:rw", "/x:/y:ro"], "links": [["other", "o"]], "mem_limit": "1g",
                    "port_bindings": table((80, 9090)), "privileged": true,
                ],
            ],
        ]
        let body = try createRequest(data, "app").body
        #expect(body["User"] == "root")
        #expect(body["Hostname"] == "custom")
        #expect(jsonText(body["Volumes"]) == jsonText(["/v": [:], "/extra": [:]]))
        #expect(jsonText(body["ExposedPorts"]) == jsonText(["80/tcp": [:], "81/tcp": [:]]))
        #expect(jsonText(body["Cmd"]) == jsonText(["run", "--fast"]))
        #expect(jsonText(body["Env"]) == jsonText(["A=1", "B=2"]))
        let host = try #require(body["HostConfig"])
        #expect(jsonText(host["Binds"]) == jsonText(["/h:/v:rw", "/x:/y:ro"]))
        #expect(jsonText(host["Links"]) == jsonText(["m.db:db", "other:o"]))
        #expect(jsonText(host["PortBindings"]) == jsonText(["80/tcp": [["HostIp": "", "HostPort": "9090"]]]))
        // create_options come last, as Docker-Map applies them to the create call.
        #expect(host["Memory"] == .int(512 * 1_048_576))
        #expect(host["Privileged"] == true)
    }

    @Test("command and entrypoint replace (quirk Q21, intended); other lists are united")
    func commandOverwrite() {
        var target: [String: Value] = ["Cmd": ["a", "b"], "Entrypoint": ["sh", "-c"], "Env": ["A=1"]]
        EngineOptions.apply([("Cmd", ["b"]), ("Entrypoint", ["sh"]), ("Env", ["B=2", "A=1"])], to: &target)
        #expect(target["Cmd"] == ["b"])
        #expect(target["Entrypoint"] == ["sh"])
        #expect(target["Env"] == ["A=1", "B=2"])
        EngineOptions.apply([("Labels", ["x": "1"]), ("Labels", ["y": "2"]), ("Tty", .null)], to: &target)
        #expect(jsonText(target["Labels"]) == jsonText(["x": "1", "y": "2"]))
        #expect(target["Tty"] == nil)
    }

    @Test("An extended configuration's command replaces its base's; the base's entrypoint is kept")
    func extendedCommand() throws {
        let body = try createRequest([
            "base": ["abstract": true, "create_options": ["command": "a b", "entrypoint": ["/init"]]],
            "app": ["extends": "base", "create_options": ["command": ["c"]]],
        ], "app").body
        #expect(body["Cmd"] == ["c"])
        #expect(body["Entrypoint"] == ["/init"])
    }

    @Test("Engine API names pass unchanged; HostConfig fields go to HostConfig")
    func engineNames() throws {
        let body = try createRequest([
            "app": [
                "create_options": ["Env": ["A=1"], "Memory": 1024, "HostConfig": ["CpuShares": 5, "cap_add": "NET_ADMIN"],
                                   "NetworkingConfig": ["EndpointsConfig": ["x": [:]]]],
                "host_config": ["ShmSize": 64, "Binds": ["/a:/b"]],
            ],
        ], "app").body
        #expect(body["Env"] == ["A=1"])
        #expect(body["Memory"] == nil)
        #expect(jsonText(body["HostConfig"]) == jsonText([
            "Memory": 1024, "CpuShares": 5, "CapAdd": ["NET_ADMIN"], "ShmSize": 64, "Binds": ["/a:/b"],
        ]))
        #expect(jsonText(body["NetworkingConfig"]) == jsonText(["EndpointsConfig": ["x": [:]]]))
    }

    @Test("Unknown snake_case options are config errors with a suggestion")
    func unknownOptions() throws {
        let error = try createError(["app": ["create_options": ["mem_limt": "1g"]]], "app")
        #expect(error.kind == .config)
        #expect(error.message == "m.containers.app.create_options.mem_limt: unknown option (did you mean 'mem_limit'?)")
        #expect(error.object == "m.app")
        let host = try createError(["app": ["host_config": ["environment": ["A": "1"]]]], "app")
        #expect(host.message == "m.containers.app.host_config.environment: unknown option (it is a create option: put it in create_options)")
        let name = try createError(["app": ["create_options": ["name": "x"]]], "app")
        #expect(name.message.hasPrefix("m.containers.app.create_options.name: not an option here"))
        let type = try createError(["app": ["host_config": ["mem_limit": "lots"]]], "app")
        #expect(type.message == "m.containers.app.host_config.mem_limit: 'lots' is not a size: the unit is one of b, k, m, g")
        let split = try createError(["app": ["create_options": ["command": "echo 'x"]]], "app")
        #expect(split.message == "m.containers.app.create_options.command: cannot split the command \"echo 'x\": no closing quotation")
    }

    // MARK: lazy values

    @Test("Functions are resolved: image, user, host paths and root, ports, addresses, option tables and values")
    func lazyValues() throws {
        func lazy(_ label: String, _ value: InputValue) -> InputValue { CountingLazy(label, value).input }
        let data: InputValue = table(
            ("host_root", lazy("root", "/srv")),
            ("volumes", ["v": lazy("default_path", "/v")]),
            ("host", table(("v", lazy("host path", "data")))),
            ("app", table(
                ("image", lazy("image", "img:2")),
                ("user", lazy("user", "www:www")),
                ("binds", "v"),
                ("exposes", .list([.list([lazy("port", 80), lazy("host port", 8080), lazy("interface", "lan")])])),
                ("create_options", lazy("create_options", table(
                    ("environment", table(("A", lazy("env", "x")))),
                    ("command", lazy("command", "serve --port 80"))))),
                ("host_config", table(("mem_limit", lazy("mem", "1k")), ("dns", .list([lazy("dns", "1.1.1.1")])))))))
        let client = ClientSettings(interfaces: ["lan": lazy("address", "192.168.1.2")])
        let request = try createRequest(data, "app", client: client)
        #expect(request.image == "img:2")
        let body = request.body
        #expect(body["Image"] == "img:2")
        #expect(body["User"] == "www")
        #expect(body["Env"] == ["A=x"])
        #expect(body["Cmd"] == ["serve", "--port", "80"])
        #expect(jsonText(body["HostConfig"]) == jsonText([
            "Binds": ["/srv/data:/v:rw"], "Memory": 1024, "Dns": ["1.1.1.1"],
            "PortBindings": ["80/tcp": [["HostIp": "192.168.1.2", "HostPort": "8080"]]],
        ]))
    }

    @Test("A function giving something other than a table for create_options is a config error")
    func lazyOptionsWrongType() throws {
        let error = try createError(table(("app", table(("create_options", CountingLazy("o", "x").input)))), "app")
        #expect(error.message == "m.containers.app.create_options: expected a table of options, got string \"x\"")
    }
}
