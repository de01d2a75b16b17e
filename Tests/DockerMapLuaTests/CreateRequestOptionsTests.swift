import Foundation
import Testing
@testable import DockerMapLua

// docker-py's conversions of create and host-config keywords to Engine API JSON (dockermap-features.md §15), its
// size parsing and command splitting, and the volume, network and exec requests (§5.1, §5.3, §6.5).

/// The JSON `key = value` in `create_options` (scope `.create`) or `host_config` (`.host`) becomes: the field's name
/// and value, from the body or the host configuration.
func optionFields(_ key: String, _ value: InputValue, scope: EngineOptions.Scope = .host) throws -> [String: Value] {
    let out = try EngineOptions.convert(.dict([(key: .string(key), value: value)]), InputPath("m.containers.app.options"), scope: scope)
    var fields: [String: Value] = [:]
    EngineOptions.apply(out.fields + out.host, to: &fields)
    return fields
}

@Suite("CreateRequest: option conversions, sizes, commands, volume, network and exec requests")
struct CreateRequestOptionsTests {
    // MARK: sizes

    @Test("Sizes as docker-py's parse_bytes reads them", arguments: [
        (InputValue.string("512m"), Int64(536_870_912)), ("1g", 1_073_741_824), ("1024k", 1_048_576), ("100b", 100),
        ("1gb", 1_073_741_824), ("1GB", 1_073_741_824), ("2M", 2_097_152), ("1.5g", 1_610_612_736), ("2048", 2048),
        ("", 0), (4096, 4096), (-1, -1), ("-1", -1),
    ] as [(InputValue, Int64)])
    func sizes(value: InputValue, expected: Int64) throws {
        #expect(try Convert.bytes(value, InputPath("x")) == expected)
        #expect(try optionFields("mem_limit", value)["Memory"] == .int(expected))
    }

    @Test("Sizes without a known unit are config errors", arguments: ["12x", "m", "abc", "1.2.3k"])
    func badSizes(value: String) throws {
        let error = try #require(throws: DMapError.self) { try Convert.bytes(.string(value), InputPath("m.mem")) }
        #expect(error.kind == .config)
        #expect(error.message.hasPrefix("m.mem: '\(value)' is not a size"))
    }

    // MARK: commands

    @Test("Command lines split as shlex.split does", arguments: [
        ("worker -A MyApp -Q queue1,queue2", ["worker", "-A", "MyApp", "-Q", "queue1,queue2"]),
        ("echo 'hello world'", ["echo", "hello world"]),
        (#"echo "a \"b\" \$c \\""#, ["echo", #"a "b" \$c \"#]),
        (#"a\ b c"#, ["a b", "c"]),
        ("a''b", ["ab"]),
        ("echo ''", ["echo", ""]),
        ("  lead   trail  ", ["lead", "trail"]),
        ("x\ty\nz", ["x", "y", "z"]),
        (#"'a\b' "#, [#"a\b"#]),
        ("sh -c 'chown -R 1000:1000 /v && chmod u=rwX /v'", ["sh", "-c", "chown -R 1000:1000 /v && chmod u=rwX /v"]),
        ("", []),
        ("# not a comment", ["#", "not", "a", "comment"]),
    ])
    func shellWords(line: String, expected: [String]) throws {
        #expect(try ShellWords.split(line) == expected)
    }

    @Test("Unbalanced quotes and a final backslash cannot be split", arguments: ["echo 'x", #"echo \"#, #""abc\""#])
    func shellWordsErrors(line: String) {
        #expect(throws: ShellWords.SplitError.self) { try ShellWords.split(line) }
    }

    // MARK: create keywords

    @Test("Create keywords become Config fields")
    func createKeywords() throws {
        func field(_ key: String, _ value: InputValue) throws -> String {
            jsonText(.object(try optionFields(key, value, scope: .create)))
        }
        #expect(try field("command", "/bin/sh -c 'echo hi'") == jsonText(["Cmd": ["/bin/sh", "-c", "echo hi"]]))
        #expect(try field("entrypoint", ["/init", 1]) == jsonText(["Entrypoint": ["/init", "1"]]))
        #expect(try field("environment", ["A": "1", "B": true, "C": 2]) == jsonText(["Env": ["A=1", "B=true", "C=2"]]))
        #expect(try field("environment", ["A=1", "B"]) == jsonText(["Env": ["A=1", "B"]]))
        #expect(try field("ports", [80, "53/udp", [88, "udp"]]) == jsonText(["ExposedPorts": ["80/tcp": [:], "53/udp": [:], "88/udp": [:]]]))
        #expect(try field("volumes", "/a") == jsonText(["Volumes": ["/a": [:]]]))
        #expect(try field("working_dir", "/srv") == jsonText(["WorkingDir": "/srv"]))
        #expect(try field("tty", true) == jsonText(["Tty": true]))
        #expect(try field("stdin_open", true) == jsonText(["OpenStdin": true, "AttachStdin": true, "StdinOnce": true]))
        #expect(try field("user", ["app", "staff"]) == jsonText(["User": "app:staff"]))
        #expect(try field("user", 1000) == jsonText(["User": "1000"]))
        #expect(try field("mac_address", "02:42:ac:11:00:02") == jsonText(["MacAddress": "02:42:ac:11:00:02"]))
        #expect(try field("runtime", "runc") == jsonText(["Runtime": "runc"]))
        #expect(try field("network_disabled", true) == jsonText(["NetworkDisabled": true]))
        #expect(try field("stop_signal", "SIGQUIT") == jsonText(["StopSignal": "SIGQUIT"]))
        #expect(try field("healthcheck", ["test": ["CMD", "true"], "interval": "10s", "retries": 3, "start_period": 5])
            == jsonText(["Healthcheck": ["Test": ["CMD", "true"], "Interval": 10_000_000_000, "Retries": 3, "StartPeriod": 5]]))
        #expect(try field("healthcheck", ["test": "curl x"]) == jsonText(["Healthcheck": ["Test": ["CMD-SHELL", "curl x"]]]))
        #expect(try field("detach", true) == jsonText([:]))
        let detached = try EngineOptions.convert(["stdin_open": true, "detach": true], InputPath("o"), scope: .create)
        #expect(jsonText(.object(Dictionary(uniqueKeysWithValues: detached.fields.map { ($0.key, $0.value) })))
            == jsonText(["OpenStdin": true]))
        #expect(try optionFields("host_config", ["privileged": true], scope: .create) == ["Privileged": true])
    }

    // MARK: host keywords

    @Test("Host keywords become HostConfig fields")
    func hostKeywords() throws {
        func field(_ key: String, _ value: InputValue) throws -> String { jsonText(.object(try optionFields(key, value))) }
        #expect(try field("restart_policy", ["Name": "on-failure", "MaximumRetryCount": 3])
            == jsonText(["RestartPolicy": ["Name": "on-failure", "MaximumRetryCount": 3]]))
        #expect(try field("restart_policy", "always") == jsonText(["RestartPolicy": ["Name": "always"]]))
        #expect(try field("restart_policy", ["name": "no"]) == jsonText(["RestartPolicy": ["Name": "no"]]))
        #expect(try field("extra_hosts", ["db": "10.0.0.2", "cache": "10.0.0.3"])
            == jsonText(["ExtraHosts": ["cache:10.0.0.3", "db:10.0.0.2"]]))
        #expect(try field("extra_hosts", ["db:10.0.0.2"]) == jsonText(["ExtraHosts": ["db:10.0.0.2"]]))
        #expect(try field("log_config", ["type": "json-file", "config": ["max-size": "10m", "max-file": 3]])
            == jsonText(["LogConfig": ["Type": "json-file", "Config": ["max-size": "10m", "max-file": "3"]]]))
        #expect(try field("ulimits", [["name": "nofile", "soft": 1024, "hard": 2048]])
            == jsonText(["Ulimits": [["Name": "nofile", "Soft": 1024, "Hard": 2048]]]))
        #expect(try field("devices", ["/dev/sda:/dev/xvda:r", "/dev/fuse"]) == jsonText(["Devices": [
            ["PathOnHost": "/dev/sda", "PathInContainer": "/dev/xvda", "CgroupPermissions": "r"],
            ["PathOnHost": "/dev/fuse", "PathInContainer": "/dev/fuse", "CgroupPermissions": "rwm"],
        ]]))
        #expect(try field("sysctls", ["net.core.somaxconn": 1024]) == jsonText(["Sysctls": ["net.core.somaxconn": "1024"]]))
        #expect(try field("tmpfs", ["/run:rw,size=64m", "/tmp"]) == jsonText(["Tmpfs": ["/run": "rw,size=64m", "/tmp": ""]]))
        #expect(try field("tmpfs", ["/run": "size=1m"]) == jsonText(["Tmpfs": ["/run": "size=1m"]]))
        #expect(try field("cap_add", "SYS_ADMIN") == jsonText(["CapAdd": ["SYS_ADMIN"]]))
        #expect(try field("cap_drop", ["MKNOD", "NET_RAW"]) == jsonText(["CapDrop": ["MKNOD", "NET_RAW"]]))
        #expect(try field("dns", ["8.8.8.8"]) == jsonText(["Dns": ["8.8.8.8"]]))
        #expect(try field("dns_search", "example.com") == jsonText(["DnsSearch": ["example.com"]]))
        #expect(try field("security_opt", ["no-new-privileges"]) == jsonText(["SecurityOpt": ["no-new-privileges"]]))
        #expect(try field("group_add", [1000, "audio"]) == jsonText(["GroupAdd": ["1000", "audio"]]))
        #expect(try field("volumes_from", "a,b:ro") == jsonText(["VolumesFrom": ["a", "b:ro"]]))
        #expect(try field("links", ["app": "alias"]) == jsonText(["Links": ["app:alias"]]))
        #expect(try field("links", ["x:y", ["a", "b"], ["c"]]) == jsonText(["Links": ["x:y", "a:b", "c"]]))
        #expect(try field("binds", ["/h": "/c"]) == jsonText(["Binds": ["/h:/c:rw"]]))
        #expect(try field("binds", ["/h": ["bind": "/c", "ro": true]]) == jsonText(["Binds": ["/h:/c:ro"]]))
        #expect(try field("binds", ["/h": ["bind": "/c", "mode": "z", "propagation": "rslave"]]) == jsonText(["Binds": ["/h:/c:z,rslave"]]))
        #expect(try field("binds", ["/h:/c:ro"]) == jsonText(["Binds": ["/h:/c:ro"]]))
        #expect(try field("network_mode", "host") == jsonText(["NetworkMode": "host"]))
        #expect(try field("memswap_limit", "2g") == jsonText(["MemorySwap": 2_147_483_648]))
        #expect(try field("mem_reservation", "256m") == jsonText(["MemoryReservation": 268_435_456]))
        #expect(try field("shm_size", "64m") == jsonText(["ShmSize": 67_108_864]))
        #expect(try field("cpu_shares", 512) == jsonText(["CpuShares": 512]))
        #expect(try field("cpu_period", 100_000) == jsonText(["CpuPeriod": 100_000]))
        #expect(try field("cpu_quota", 50_000) == jsonText(["CpuQuota": 50_000]))
        #expect(try field("cpuset_cpus", "0-1") == jsonText(["CpusetCpus": "0-1"]))
        #expect(try field("nano_cpus", 1_500_000_000) == jsonText(["NanoCpus": 1_500_000_000]))
        #expect(try field("pids_limit", 100) == jsonText(["PidsLimit": 100]))
        #expect(try field("privileged", true) == jsonText(["Privileged": true]))
        #expect(try field("read_only", true) == jsonText(["ReadonlyRootfs": true]))
        #expect(try field("oom_kill_disable", true) == jsonText(["OomKillDisable": true]))
        #expect(try field("init", true) == jsonText(["Init": true]))
        #expect(try field("auto_remove", false) == jsonText(["AutoRemove": false]))
        #expect(try field("publish_all_ports", true) == jsonText(["PublishAllPorts": true]))
        #expect(try field("pid_mode", "host") == jsonText(["PidMode": "host"]))
        #expect(try field("ipc_mode", "shareable") == jsonText(["IpcMode": "shareable"]))
    }

    @Test("Port bindings in docker-py's forms")
    func portBindingForms() throws {
        func bindings(_ value: InputValue) throws -> String { jsonText(try optionFields("port_bindings", value)["PortBindings"]) }
        func b(_ ip: String, _ port: String) -> Value { ["HostIp": .string(ip), "HostPort": .string(port)] }
        #expect(try bindings(table((80, 8080))) == jsonText(["80/tcp": [b("", "8080")]]))
        #expect(try bindings(table(("53/udp", 53))) == jsonText(["53/udp": [b("", "53")]]))
        #expect(try bindings(table((443, ["10.0.0.1", 443]))) == jsonText(["443/tcp": [b("10.0.0.1", "443")]]))
        #expect(try bindings(table((8000, [8000, 8001]))) == jsonText(["8000/tcp": [b("", "8000"), b("", "8001")]]))
        #expect(try bindings(table((9000, [["127.0.0.1", 9000], ["::1", 9000]])))
            == jsonText(["9000/tcp": [b("127.0.0.1", "9000"), b("::1", "9000")]]))
        #expect(try bindings(table((22, [["127.0.0.1"]])))  == jsonText(["22/tcp": [b("127.0.0.1", "")]]))
        #expect(try bindings(table((7, ["HostPort": "7", "HostIp": "1.2.3.4"]))) == jsonText(["7/tcp": [b("1.2.3.4", "7")]]))
    }

    // MARK: volume, network and exec requests

    @Test("Volume create requests send the alias's driver, options and create options (Q4, intended)")
    func volumeRequests() throws {
        let opt = CountingLazy("o", "size=100m")
        let dataVolume = table(
            ("default_path", "/data"), ("driver", "local"),
            ("driver_options", table(("type", "tmpfs"), ("o", opt.input))),
            ("create_options", ["labels": ["k": "v"]]))
        let map = try ContainerMap.parse(name: "m", table(
            ("volumes", table(("data", dataVolume))),
            ("app", ["attaches": ["data", ["cache", "/cache"]]])))
        let data = try VolumeCreateRequest.build(map: map, parent: "app", alias: "data")
        #expect(data.name == "m.data")
        #expect(jsonText(data.body) == jsonText([
            "Name": "m.data", "Driver": "local", "DriverOpts": ["type": "tmpfs", "o": "size=100m"],
            "Labels": ["dmap.map": "m", "dmap.volume": "data", "k": "v"],
        ]))
        let cache = try VolumeCreateRequest.build(map: map, parent: "app", alias: "cache")
        #expect(jsonText(cache.body) == jsonText(["Name": "m.cache", "Labels": ["dmap.map": "m", "dmap.volume": "cache"]]))
        let error = try #require(throws: DMapError.self) { try VolumeCreateRequest.build(map: map, parent: "app", alias: "dta") }
        #expect(error.message == "'app' of map 'm' attaches no volume 'dta' (did you mean 'data'?)")

        let named = try ContainerMap.parse(name: "m", ["use_attached_parent_name": true, "volumes": ["data": "/data"], "app": ["attaches": "data"]])
        #expect(jsonText(try VolumeCreateRequest.build(map: named, parent: "app", alias: "data").body)
            == jsonText(["Name": "m.app.data", "Labels": ["dmap.map": "m", "dmap.volume": "app.data"]]))

        let typo = try ContainerMap.parse(name: "m", ["volumes": ["data": ["default_path": "/d", "create_options": ["drivr": "x"]]], "app": ["attaches": "data"]])
        let typoError = try #require(throws: DMapError.self) { try VolumeCreateRequest.build(map: typo, parent: "app", alias: "data") }
        #expect(typoError.message == "m.volumes.data.create_options.drivr: unknown option (did you mean 'driver'?)")
    }

    @Test("Network create requests: bridge by default, options, internal, create options converted")
    func networkRequests() throws {
        let map = try ContainerMap.parse(name: "m", [
            "networks": [
                "front": [:],
                "back": [
                    "driver": "overlay", "internal": true, "driver_options": ["com.docker.network.bridge.name": "br0"],
                    "create_options": [
                        "enable_ipv6": true, "attachable": true, "labels": ["x": "y"],
                        "ipam": ["pool_configs": [["subnet": "10.1.0.0/16", "gateway": "10.1.0.1"]]],
                    ],
                ],
            ],
        ])
        let front = try NetworkCreateRequest.build(map: map, network: "front")
        #expect(front.name == "m.front")
        #expect(jsonText(front.body) == jsonText([
            "Name": "m.front", "Driver": "bridge", "Options": [:], "CheckDuplicate": true,
            "Labels": ["dmap.map": "m", "dmap.network": "front"],
        ]))
        #expect(jsonText(try NetworkCreateRequest.build(map: map, network: "back").body) == jsonText([
            "Name": "m.back", "Driver": "overlay", "Options": ["com.docker.network.bridge.name": "br0"],
            "CheckDuplicate": true, "Internal": true, "EnableIPv6": true, "Attachable": true,
            "Labels": ["dmap.map": "m", "dmap.network": "back", "x": "y"],
            "IPAM": ["Driver": "default", "Config": [["Subnet": "10.1.0.0/16", "Gateway": "10.1.0.1"]]],
        ]))
        let preset = try #require(throws: DMapError.self) { try NetworkCreateRequest.build(map: map, network: "bridge") }
        #expect(preset.kind == .usage)
    }

    @Test("Exec requests: command lines split, the command's user, else the container's user part")
    func execRequests() throws {
        let map = try ContainerMap.parse(name: "m", [
            "app": [
                "user": "app:staff",
                "exec_commands": [
                    "/bin/x arg", ["cmd": ["/bin/init", "--now"], "user": "root", "policy": "initial"], ["/bin/y", 0],
                ],
            ],
            "plain": ["exec_commands": "run 'a b'"],
        ])
        let requests = try ExecRequest.all(map: map, config: "app")
        #expect(requests.map { jsonText($0.body) } == [
            jsonText(["Cmd": ["/bin/x", "arg"], "User": "app", "AttachStdout": true, "AttachStderr": true]),
            jsonText(["Cmd": ["/bin/init", "--now"], "User": "root", "AttachStdout": true, "AttachStderr": true]),
            jsonText(["Cmd": ["/bin/y"], "User": "0", "AttachStdout": true, "AttachStderr": true]),
        ])
        #expect(requests[1].command.policy == .initial)
        #expect(try ExecRequest.all(map: map, config: "plain").map { jsonText($0.body) } == [
            jsonText(["Cmd": ["run", "a b"], "AttachStdout": true, "AttachStderr": true]),
        ])
    }
}
