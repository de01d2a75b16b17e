import Testing
@testable import DockerMapLua

// Docker-Map's tests/test_config.py (TestConfig): single configurations, merging with a table or a configuration,
// `extends`, persistent and attached items, and serialisation, on MAP_DATA_2 (read with use_attached_parent_name,
// as Docker-Map's test does) and MAP_DATA_3.

@Suite("Model: configurations, merge, extends, round trip (test_config.py)")
struct ModelConfigTests {
    let sample: ContainerMap
    let simple: ContainerMap

    init() throws {
        sample = try ContainerMap.parse(name: "main", ModelTestData.map2ParentNamed)
        simple = try ContainerMap.parse(name: "simple", ModelTestData.map3)
    }

    // What abstract_config merged with server gives, in each test below.
    static let mergedBinds: [BindEntry] = [.alias(name: "app_config", readonly: true), .alias(name: "app_data", readonly: false)]
    static let mergedUses = [UsedVolume(name: "redis.redis_socket", path: nil, readonly: false)]
    static let mergedAttaches = [AttachedVolume(name: "app_log", path: nil), AttachedVolume(name: "server_log", path: nil)]
    static let mergedExposes = [PortBinding(exposedPort: 8443, hostPort: 8443, interface: "private", ipv6: false)]
    static let mergedLinks = [ContainerLink(container: "svc", alias: "svc_alias1"), ContainerLink(container: "svc", alias: "svc_alias2")]
    static let serverCreateOptions: InputValue = ["mem_limit": "1g", "cpu_shares": 15]
    static let serverHostConfig: InputValue = ["restart_policy": ["MaximumRetryCount": 3, "Name": "always"]]

    /// Asserts what test_config.py asserts after merging server into abstract_config.
    func expectMergedServer(_ cfg: ContainerConfig, listsOnly: Bool) {
        #expect(cfg.binds == Self.mergedBinds)
        #expect(cfg.uses == Self.mergedUses)
        #expect(cfg.attaches == Self.mergedAttaches)
        #expect(cfg.exposes == Self.mergedExposes)
        #expect(cfg.links == Self.mergedLinks)
        if listsOnly {
            #expect(cfg.user == "app_user")
            #expect(cfg.createOptions == [:])
            #expect(cfg.hostConfig == [:])
        } else {
            #expect(cfg.user == "server_user")
            #expect(sameEntries(cfg.createOptions, Self.serverCreateOptions))
            #expect(sameEntries(cfg.hostConfig, Self.serverHostConfig))
        }
    }

    @Test("A single configuration holds its normalised properties")
    func singleConfig() throws {
        let cfg = try #require(sample.containers["abstract_config"])
        #expect(cfg.isAbstract)
        #expect(cfg.image == "server")
        #expect(cfg.binds == [.alias(name: "app_config", readonly: true)])
        #expect(cfg.uses == [UsedVolume(name: "redis.redis_socket", path: nil, readonly: false)])
        #expect(cfg.attaches == [AttachedVolume(name: "app_log", path: nil)])
        #expect(cfg.user == "app_user")
        #expect(cfg.permissions == "u=rwX,g=rX,o=")
    }

    @Test("Merging a table into a configuration: lists united or replaced by key, scalars and options overwritten")
    func mergeWithDict() throws {
        var cfg = try #require(sample.containers["abstract_config"])
        let (server, _, problems) = parseConfig(ModelTestData.server2, at: "main.containers.server")
        #expect(problems == [])
        cfg.merge(server)
        expectMergedServer(cfg, listsOnly: false)
        #expect(cfg.isAbstract, "abstract is never merged")
        #expect(cfg.extends == [], "extends is never merged")
    }

    @Test("Merging a table with listsOnly leaves scalars and option tables alone")
    func mergeWithDictListsOnly() throws {
        var cfg = try #require(sample.containers["abstract_config"])
        let (server, _, _) = parseConfig(ModelTestData.server2, at: "main.containers.server")
        cfg.merge(server, listsOnly: true)
        expectMergedServer(cfg, listsOnly: true)
    }

    @Test("Merging another configuration of the map gives the same as merging its table")
    func mergeWithConfig() throws {
        var cfg = try #require(sample.containers["abstract_config"])
        cfg.merge(try #require(sample.containers["server"]))
        expectMergedServer(cfg, listsOnly: false)
        var listsOnly = try #require(sample.containers["abstract_config"])
        listsOnly.merge(try #require(sample.containers["server"]), listsOnly: true)
        expectMergedServer(listsOnly, listsOnly: true)
    }

    @Test("m:merge with a table merges into the map's configuration (listsOnly too), and validates")
    func mapMerge() throws {
        let merged = try sample.merged(with: ["containers": ["abstract_config": ModelTestData.server2]])
        let cfg = try #require(merged.containers["abstract_config"])
        expectMergedServer(cfg, listsOnly: false)
        let listsOnly = try sample.merged(with: ["containers": ["abstract_config": ModelTestData.server2]], listsOnly: true)
        expectMergedServer(try #require(listsOnly.containers["abstract_config"]), listsOnly: true)
        // Map scalars follow the same rule.
        #expect(try sample.merged(with: ["repository": "other"], listsOnly: true).repository == "registry.example.com")
        #expect(try sample.merged(with: ["repository": "other"]).repository == "other")
        #expect(try sample.merged(with: ["clients": ["a", "b"]]).merged(with: ["clients": ["b", "c"]]).clients
            == ["a", "b", "c"])
    }

    @Test("m:update replaces the properties it names, lists included")
    func mapUpdate() throws {
        let updated = try sample.updated(with: ["containers": ["server": ["links": "svc2", "user": "other"]]])
        let cfg = try #require(updated.containers["server"])
        #expect(cfg.links == [ContainerLink(container: "svc2", alias: nil)])
        #expect(cfg.user == "other")
        #expect(cfg.attaches == [AttachedVolume(name: "server_log", path: nil)], "properties not named stay")
        #expect(try sample.updated(with: ["clients": ["a"]]).updated(with: ["clients": ["b"]]).clients == ["b"])
        let withNew = try sample.updated(with: ["extra": ["image": "x"]])
        #expect(withNew.containers["extra"]?.image == "x")
    }

    @Test("An extended configuration merges its bases in order")
    func extendedConfig() throws {
        let cfg = try #require(sample.extended("server"))
        expectMergedServer(cfg, listsOnly: false)
        #expect(cfg.image == "server", "the image comes from the base")
        #expect(cfg.permissions == "u=rwX,g=rX,o=")
        #expect(cfg.extends == [])
        #expect(!cfg.isAbstract)
        #expect(sample.extendedConfigs()["server"] == cfg)
    }

    @Test("More extended configurations: worker and worker_q2 through abstract_worker")
    func moreExtendedConfig() throws {
        let worker = try #require(sample.extended("worker"))
        #expect(worker.binds == Self.mergedBinds)
        #expect(worker.uses == Self.mergedUses)
        #expect(worker.attaches == [AttachedVolume(name: "app_log", path: nil)])
        #expect(worker.user == "app_user")
        #expect(sameEntries(worker.createOptions, [
            "mem_limit": "2g", "cpu_shares": 10, "entrypoint": "celery", "command": "worker -A MyApp -Q queue1,queue2",
        ]))
        #expect(sameEntries(worker.hostConfig, ["restart_policy": ["MaximumRetryCount": 0, "Name": "always"]]))

        let q2 = try #require(sample.extendedConfigs()["worker_q2"])
        #expect(q2.binds == Self.mergedBinds)
        #expect(q2.uses == Self.mergedUses)
        #expect(q2.attaches == [AttachedVolume(name: "app_log", path: nil)])
        #expect(q2.user == "app_user")
        #expect(sameEntries(q2.createOptions, [
            "mem_limit": "1g", "cpu_shares": 30, "entrypoint": "celery", "command": "worker -A MyApp -Q queue2",
        ]))
        #expect(sameEntries(q2.hostConfig, ["restart_policy": ["MaximumRetryCount": 0, "Name": "always"]]))
    }

    @Test("Option tables are merged one level deep: a nested table is replaced whole")
    func shallowOptionMerge() throws {
        let map = try ContainerMap.parse(name: "m", [
            "base": ["abstract": true, "host_config": ["restart_policy": ["Name": "always", "MaximumRetryCount": 3],
                                                        "mem_limit": "1g"]],
            "app": ["extends": "base", "host_config": ["restart_policy": ["Name": "no"]]],
        ])
        let cfg = try #require(map.extended("app"))
        #expect(sameEntries(cfg.hostConfig, ["restart_policy": ["Name": "no"], "mem_limit": "1g"]))
    }

    @Test("extendedConfigs leaves out abstract configurations and keeps the map's order")
    func extendedMapOrder() {
        #expect(Array(sample.extendedConfigs().keys) == [
            "svc", "svc2", "sub_svc", "sub_sub_svc", "net_sub_svc", "net_svc", "server", "server2", "server3", "worker",
            "worker_q2", "redis", "persistent_one",
        ])
    }

    @Test("A map extended in part keeps host_root (test_partial_extended_map)")
    func partialExtendedMap() throws {
        #expect(simple.host.root == "/var/lib/site")
        let server = try #require(simple.extended("server"))
        #expect(server.binds == [.host(path: "/var/lib/web/config", hostPath: "web/config", readonly: true)])
        #expect(server.attaches == [AttachedVolume(name: "web_log", path: nil)])
    }

    @Test("Attached and persistent items of the extended map (get_persistent_items)")
    func persistentItems() {
        let configs = sample.extendedConfigs()
        var attached: [String] = []
        for (name, config) in configs {
            for volume in config.attaches {
                attached.append("\(name) \(volume.name)" + (volume.path.map { " \($0.stringValue ?? "?")" } ?? ""))
            }
        }
        #expect(Set(attached) == [
            "worker app_log", "server app_log", "server server_log", "server2 app_log", "server2 server_log",
            "redis redis_socket", "redis redis_log /var/log/redis", "worker_q2 app_log",
        ])
        #expect(attached.count == 8)
        #expect(configs.filter { $0.value.persistent == true }.keys.elementsEqual(["persistent_one"]))
    }

    @Test("Serialisation: a map read back from its table is equal, and the table is stable")
    func serialization() throws {
        let sd1 = sample.input
        let m1 = try ContainerMap.parse(name: "main", sd1)
        #expect(m1 == sample)
        let other = try ContainerMap.parse(name: "main_1", sd1)
        #expect(other != sample)
        #expect(m1.input == sd1)
        for data in [ModelTestData.map1, ModelTestData.map1New, ModelTestData.map3] {
            let map = try ContainerMap.parse(name: "main", data)
            let again = try ContainerMap.parse(name: "main", map.input)
            #expect(again == map)
            #expect(again.input == map.input)
        }
    }

    @Test("Serialisation of the extended map: read back, it extends to itself")
    func serializationExtended() throws {
        var extendedMap = sample
        extendedMap.containers = sample.extendedConfigs()
        let sd2 = extendedMap.input
        let m2 = try ContainerMap.parse(name: "main", sd2)
        #expect(m2 == extendedMap)
        #expect(m2.extendedConfigs() == extendedMap.containers)
        #expect(m2.input == sd2)
    }

    @Test("A map using every property reads back from its table to an equal map")
    func roundTripEverything() throws {
        let image = CountingLazy("image", "app")
        let hostPath = CountingLazy("host path", "/srv/lazy")
        let options = CountingLazy("create_options", ["command": "serve"])
        let data: InputValue = [
            "repository": "registry.example.com/team", "default_tag": "1.0", "default_domain": "example.com",
            "set_hostname": false, "use_attached_parent_name": true, "clients": ["host1", "host2"],
            "volumes": [
                "data": "/var/lib/app", "conf": "/etc/app",
                "logs": ["default_path": "/var/log/app", "driver": "local", "driver_options": ["o": "bind"],
                         "create_options": ["labels": ["a": "b"]], "user": ["app", "adm"], "permissions": "u=rwX"],
            ],
            "host": ["root": "/srv/main", "logs": "logs", "conf": ["i1": "conf/1", "i2": "conf/2"],
                     "lazy": hostPath.input],
            "networks": ["backend": ["internal": true, "driver": "bridge", "driver_options": ["x": "y"],
                                     "create_options": ["labels": ["n": "1"]]],
                         "front": nil],
            "groups": ["all": ["db", "app.i1"]],
            "containers": [
                "base": ["abstract": true, "image": image.input, "user": 1000, "permissions": "u=rwX"],
                "db": ["attaches": ["data", ["sock", "/run/db"]], "persistent": true, "networks": "backend",
                       "healthcheck": ["pg_isready", "10s", "5s", 3, "1m"], "wait": ["healthy", 60],
                       "stop_signal": 9, "stop_timeout": .double(1.5), "start_delay": 2],
                "app": [
                    "extends": "base", "instances": ["i1", "i2"], "clients": "host1", "shares": "/tmp/share",
                    "binds": ["conf", ["logs", "ro"], ["/etc/x": ["lazy", true]], ["/etc/y", hostPath.input]],
                    "uses": [["db.sock", "/run/db", "ro"], "db.data"],
                    "links": [["db", "database"]],
                    "exposes": [[8080, 80, "private", true], "53/udp"],
                    "user": ["app", "app"],
                    "networks": [["backend", ["aliases": ["api"], "links": [["db", "pg"]], "ipv4_address": "10.0.0.5",
                                              "ipv6_address": "fe80::5", "link_local_ips": ["169.254.0.5"]]], "front"],
                    "exec_commands": ["init.sh", [["migrate", "--all"], "root", "initial"]],
                    "create_options": options.input,
                    "host_config": ["restart_policy": ["Name": "always"], "mem_limit": "512m"],
                    "wait": "running",
                ],
                "tool": ["network_mode": "app.i1", "healthcheck": "NONE"],
                "other": ["network_mode": "host"],
            ],
        ]
        let map = try ContainerMap.parse(name: "main", data)
        let again = try ContainerMap.parse(name: "main", map.input)
        #expect(again == map)
        #expect(again.input == map.input)
        for lazy in [image, hostPath, options] { #expect(lazy.calls == 0) }
        // Spot checks of what was read.
        let app = try #require(map.containers["app"])
        #expect(app.exposes == [
            PortBinding(exposedPort: 8080, hostPort: 80, interface: "private", ipv6: true),
            PortBinding(exposedPort: "53/udp", hostPort: nil, interface: nil, ipv6: false),
        ])
        #expect(app.networks.first?.links == [ContainerLink(container: "db", alias: "pg")])
        #expect(app.execCommands.last == ExecCommand(cmd: ["migrate", "--all"], user: "root", policy: .initial))
        #expect(map.containers["db"]?.stopTimeout == 1.5)
        #expect(map.containers["db"]?.wait == WaitSpec(state: .healthy, timeout: 60))
        #expect(map.containers["tool"]?.networkMode == .container(config: "app", instance: "i1"))
        #expect(map.containers["other"]?.networkMode == .plain("host"))
        #expect(map.extended("app")?.image == image.input)
        #expect(map.groups["all"] == ["db", "app.i1"])
        #expect(map.networks["backend"]?.isInternal == true)
        #expect(map.volumes["logs"]?.user == ["app", "adm"])
    }

    @Test("The normalised table holds every element in its table form")
    func normalisedForm() throws {
        let cfg = try #require(sample.containers["server"])
        let input = cfg.input
        #expect(input["extends"] == ["abstract_config"])
        #expect(input["binds"] == [["name": "app_data", "readonly": false]])
        #expect(input["links"] == [["container": "svc", "alias": "svc_alias2"]])
        #expect(input["attaches"] == [["name": "server_log"]])
        #expect(input["exposes"] == [["exposed_port": 8443, "host_port": 8443, "interface": "private", "ipv6": false]])
        #expect(input["instances"] == [])
        #expect(input["image"] == nil, "scalars that are not set are left out")
        let redis = try #require(sample.containers["redis"]).input
        #expect(redis["attaches"] == [["name": "redis_socket"], ["name": "redis_log", "path": "/var/log/redis"]])
        #expect(redis["binds"] == [
            ["path": "/etc/redis", "host_path": "redis/config", "readonly": true],
            ["path": "/var/lib/redis", "host_path": "redis/data", "readonly": false],
        ])
    }

    @Test("MAP_DATA_1 and MAP_DATA_1_NEW read as Docker-Map reads them")
    func mapData1() throws {
        let m1 = try ContainerMap.parse(name: "main", ModelTestData.map1)
        #expect(Array(m1.containers.keys) == ["web_server", "app_server", "app_extra"])
        #expect(m1.host.root == "/var/lib/site")
        #expect(m1.defaultTag == "custom")
        let web = try #require(m1.containers["web_server"])
        #expect(web.binds == [.host(path: "/etc/nginx", hostPath: "config/nginx", readonly: true)])
        #expect(web.uses == [UsedVolume(name: "app_server_socket", path: nil, readonly: false)])
        #expect(web.stopTimeout == 5)
        #expect(m1.containers["app_extra"]?.networkMode == .container(config: "app_server", instance: "instance1"))
        #expect(m1.containers["app_server"]?.user == 2000)
        #expect(m1.host.path(for: "app_config") == ["instance1": "config/app1", "instance2": "config/app2"])

        let m2 = try ContainerMap.parse(name: "main", ModelTestData.map1New)
        let app = try #require(m2.containers["app_server"])
        #expect(app.healthcheck == HealthCheck(
            test: ["CMD", "curl", "http://localhost/"], interval: 60_000_000_000, timeout: 1_000_000_000, retries: 3,
            startPeriod: 5_000_000_000))
        #expect(app.attaches == [
            AttachedVolume(name: "app_log", path: nil), AttachedVolume(name: "app_server_socket", path: "/var/lib/app/socket"),
        ])
        #expect(app.stopSignal == "SIGTERM")
        #expect(m2.containers["web_server"]?.uses == [
            UsedVolume(name: "app_server_socket", path: "/var/lib/app/custom/socket", readonly: false),
        ])
        #expect(m2.networks["app"] == NetworkConfig())
    }

    @Test("Volume, network and host entries: a string sets only default_path; nil means defaults")
    func volumeNetworkHost() throws {
        #expect(sample.volumes["redis_socket"]?.defaultPath == "/var/run/redis")
        #expect(sample.networks["app_net1"]?.driver == "bridge")
        #expect(sample.networks["app_net2"] == NetworkConfig())
        let m = try ContainerMap.parse(name: "m", [
            "volumes": ["logs": ["default_path": "/var/log/app", "user": "app", "permissions": "u=rwX"]],
            "host": ["root": "/srv", "logs": "logs"],
            "c": ["attaches": "logs"],
        ])
        #expect(m.volumes["logs"] == VolumeConfig(defaultPath: "/var/log/app", user: "app", permissions: "u=rwX"))
        #expect(m.host.root == "/srv")
        #expect(m.host.path(for: "logs") == "logs")
    }
}
