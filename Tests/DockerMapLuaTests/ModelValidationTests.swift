import Testing
@testable import DockerMapLua

// Whole-map checks: Docker-Map's check_integrity rules (dockermap-features.md §9.2), what it leaves to fail later
// (unknown extends bases, cycles), and our own input checks (unknown properties, wrong types, wait). Each problem is
// asserted as the user sees it: `path: message`.

@Suite("Model: map validation (check_integrity and input checks)")
struct ModelValidationTests {
    // MARK: check_integrity rules, in Docker-Map's order

    @Test("1. A group named like a configuration is a problem at the group")
    func groupNameClash() {
        #expect(mapProblems(["web": [:], "groups": ["web": ["web"]]]) == [
            "m.groups.web: 'web' is both a group and a container name",
        ])
        #expect(mapProblems(["app": ["instances": ["a", "b"]], "groups": ["app": ["app.a"]]]) == [
            "m.groups.app: 'app' is both a group and a container name",
        ])
    }

    @Test("2. A group member that is no configuration or instance is a problem at the member")
    func unknownGroupMember() {
        #expect(mapProblems([
            "web": [:], "app": ["instances": ["a", "b"]],
            "groups": ["g": ["web", "app", "app.b", "wbe", "app.c"]],
        ]) == [
            "m.groups.g[4]: unknown container 'wbe' (did you mean 'web'?)",
            "m.groups.g[5]: unknown container 'app.c' (did you mean 'app.a'?)",
        ])
    }

    @Test("3. An alias attached by two configurations is a problem without parent naming only")
    func duplicateAttachedVolume() {
        let data: InputValue = ["volumes": ["data": "/data"], "a": ["attaches": "data"], "b": ["attaches": "data"]]
        #expect(mapProblems(data) == [
            "m.b.attaches: attached volume 'data' is also attached by 'a' (its Docker name m.data would be "
                + "shared; set use_attached_parent_name = true)",
        ])
        guard case .dict(var entries) = data else { return }
        entries.append((key: "use_attached_parent_name", value: true))
        #expect(mapProblems(.dict(entries)) == [])
    }

    @Test("3. MAP_DATA_2 without parent naming: app_log and server_log are attached twice, redis.redis_socket unknown")
    func map2WithoutParentNaming() {
        let problems = mapProblems(ModelTestData.map2, name: "main")
        #expect(problems.count == 3)
        #expect(problems.first?.hasPrefix("main.containers.server2.attaches: attached volume 'app_log' is also attached by 'server'") == true)
        #expect(problems.dropFirst().first?.hasPrefix("main.containers.server2.attaches: attached volume 'server_log'") == true)
        #expect(problems.last?.hasPrefix("main.containers.abstract_config.uses[1]: nothing to use under 'redis.redis_socket'") == true)
    }

    /// Docker-Map counts the instance names of every container with shares, binds or uses together with the attached
    /// aliases (main.py check_integrity: `volume_shared = all_shared + all_attached_names`): a container `data` that
    /// shares and an attached alias `data` make `uses = "data"` ambiguous, and Docker-Map raises "Duplicated attached
    /// volumes found with name(s): data".
    @Test("3. A sharing container named like an attached alias is a duplicate, as in Docker-Map")
    func duplicateContainerAndAlias() {
        let problems = mapProblems([
            "volumes": ["data": "/data"],
            "data": ["shares": "/exported"],
            "db": ["attaches": "data"],
            "app": ["uses": "data"],
        ])
        #expect(problems.contains { $0.contains("'data'") })
    }

    @Test("4. uses naming neither an attached alias nor a container with shares, binds or uses is a problem")
    func unknownUses() {
        #expect(mapProblems(["web": [:], "app": ["uses": "web"]]) == [
            "m.app.uses[1]: nothing to use under 'web': not an attached volume, nor a container with shares, "
                + "binds or uses",
        ])
        // A container that shares, binds or uses may be used, by config or by instance.
        #expect(mapProblems([
            "web": ["shares": "/x", "instances": ["a"]], "app": ["uses": ["web", "web.a"]],
        ]) == [])
    }

    /// With use_attached_parent_name Docker-Map still requires a used name to be a sharing container (instance) or a
    /// `parent.alias`; a plain configuration without shares, binds or uses fails rule 4 ("No shared or attached volumes
    /// found for used volume(s): web").
    @Test("4. With parent naming, using a container that shares nothing is still a problem")
    func unknownUsesWithParentNaming() {
        let problems = mapProblems(["use_attached_parent_name": true, "web": [:], "app": ["uses": "web"]])
        #expect(problems == [
            "m.app.uses[1]: nothing to use under 'web': not an attached volume, nor a container with "
                + "shares, binds or uses",
        ])
        // parent.alias is what parent naming asks for.
        #expect(mapProblems([
            "use_attached_parent_name": true, "volumes": ["data": "/d"], "db": ["attaches": "data"],
            "app": ["uses": "db.data"],
        ]) == [])
    }

    @Test("5. A bound alias without a host path is a problem at the bind")
    func bindAliasMissingInHost() {
        #expect(mapProblems(["volumes": ["conf": "/etc/app"], "host": ["cnf": "x"], "app": ["binds": ["conf", "other"]]])
            == [
                "m.app.binds[1]: volume alias 'conf' has no host path in m.host (did you mean 'cnf'?)",
                "m.app.binds[2]: volume alias 'other' has no host path in m.host",
            ])
    }

    @Test("6. A bound or attached alias without a path in volumes is a problem at the element")
    func aliasMissingInVolumes() {
        #expect(mapProblems(["host": ["conf": "/srv/conf"], "app": ["binds": [["conf", "ro"]]]]) == [
            "m.app.binds[1]: volume alias 'conf' has no path in m.volumes",
        ])
        #expect(mapProblems(["volumes": ["log": "/log"], "app": ["attaches": ["logs", ["inline", "/in"]]]]) == [
            "m.app.attaches[1]: attached volume 'logs' has no path: give one here or in m.volumes "
                + "(did you mean 'log'?)",
        ])
    }

    @Test("A table of host paths per instance needs one for each instance (default without instances)")
    func hostPathPerInstance() {
        #expect(mapProblems([
            "volumes": ["conf": "/etc/app"], "host": ["conf": ["i1": "c1"]],
            "app": ["instances": ["i1", "i2"], "binds": "conf"],
            "tool": ["binds": [["/x", ["i1": "x1"]]]],
        ]) == [
            "m.app.binds[1]: no host path for instance 'i2'",
            "m.tool.binds[1]: no host path for instance 'default'",
        ])
    }

    @Test("7. A link to an unknown container is a problem, with the nearest name")
    func unknownLink() {
        #expect(mapProblems(["db": [:], "app": ["links": "dbx"]]) == [
            "m.app.links[1]: unknown container 'dbx' (did you mean 'db'?)",
        ])
        #expect(mapProblems(["db": [:], "app": ["links": ["db", "zzzzzz"]]]) == [
            "m.app.links[2]: unknown container 'zzzzzz'",
        ])
    }

    @Test("7. A link to a configuration with instances must name an instance")
    func linkToMultiInstance() {
        #expect(mapProblems(["db": ["instances": ["a", "b"]], "app": ["links": "db"]]) == [
            "m.app.links[1]: 'db' has instances (a, b); link one of them, e.g. 'db.a'",
        ])
        #expect(mapProblems(["db": ["instances": ["a", "b"]], "app": ["links": ["db.b", "db.c"]]]) == [
            "m.app.links[2]: unknown container 'db.c' (did you mean 'db.a'?)",
        ])
        #expect(mapProblems(["db": [:], "app": ["links": "db.x"]]) == [
            "m.app.links[1]: unknown container 'db.x' (did you mean 'db'?)",
        ])
    }

    @Test("8. A network that is not configured is a problem; the presets need no configuration")
    func unknownNetwork() {
        #expect(mapProblems([
            "networks": ["backend": nil], "db": [:],
            "app": ["networks": ["bridge", "backnd", ["backend", ["links": "dbb"]]]],
        ]) == [
            "m.app.networks[2]: unknown network 'backnd' (did you mean 'backend'?)",
            "m.app.networks[3].links[1]: unknown container 'dbb' (did you mean 'db'?)",
        ])
    }

    @Test("9. A network mode naming no container of the map is a problem")
    func badNetworkMode() {
        let tail = "; a network mode is bridge, host, none, container:<name> or a container of the map"
        #expect(mapProblems(["db": [:], "app": ["network_mode": "dbb"]]) == [
            "m.app.network_mode: unknown container 'dbb' (did you mean 'db'?)" + tail,
        ])
        #expect(mapProblems(["db": ["instances": ["a"]], "app": ["network_mode": "db.b"]]) == [
            "m.app.network_mode: unknown container 'db.b' (did you mean 'db.a'?)" + tail,
        ])
        #expect(mapProblems(["app": ["network_mode": "container:outside"], "tool": ["network_mode": "/outside"]]) == [])
    }

    /// Docker-Map's rule 9 checks a reference without an instance against the instance names, as it checks links: a
    /// configuration with instances has no container `map.db` whose network stack could be joined
    /// (`container:m.db`), and Docker-Map raises "No container instance found for the following network mode
    /// reference(s): db".
    @Test("9. A network mode naming a configuration with instances must name an instance")
    func networkModeMultiInstance() {
        let problems = mapProblems(["db": ["instances": ["a", "b"]], "app": ["network_mode": "db"]])
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("m.app.network_mode: ") == true)
    }

    // MARK: beyond check_integrity

    @Test("An unknown extends base is a problem at the base, with the nearest name")
    func unknownExtends() {
        #expect(mapProblems(["base": ["abstract": true], "app": ["extends": ["base", "bse"]]]) == [
            "m.app.extends[2]: unknown container 'bse' (did you mean 'base'?)",
        ])
        #expect(mapProblems(["a": ["extends": "a"]]) == ["m.a.extends[1]: a configuration cannot extend itself"])
    }

    @Test("An extends cycle is a problem naming the configurations along it")
    func extendsCycle() {
        #expect(mapProblems(["a": ["extends": "b"], "b": ["extends": "a"]]) == [
            "m.a.extends: extends cycle: a -> b -> a",
        ])
        #expect(mapProblems(["a": ["extends": "b"], "b": ["extends": "c"], "c": ["extends": "a"], "d": ["extends": "a"]])
            == ["m.a.extends: extends cycle: a -> b -> c -> a"])
    }

    static let dependencyCyclesCases: [(InputValue, String)] = [
        (["a": ["links": "a"]] as InputValue, "m.a: dependency cycle: a -> a"),
        (["a": ["links": "b"], "b": ["links": "a"]], "m.a: dependency cycle: a -> b -> a"),
        (["a": ["links": "b"], "b": ["links": "c"], "c": ["links": "a"]],
         "m.a: dependency cycle: a -> b -> c -> a"),
        (["volumes": ["v": "/v"], "a": ["attaches": "v", "links": "b"], "b": ["uses": "v"]],
         "m.a: dependency cycle: a -> b -> a"),
    ]

    @Test("Dependency cycles of length 1, 2 and 3 are problems naming the configurations along them", arguments: dependencyCyclesCases)
    func dependencyCycles(input: InputValue, expected: String) throws {
        #expect(mapProblems(input) == [expected])
        let error = try #require(mapError(input))
        #expect(error.kind == .config)
        #expect(error.message == expected)
        #expect(error.object == "m.a")
    }

    @Test("Several problems come back in one error, each listed")
    func severalProblems() throws {
        let input: InputValue = [
            "networks": ["backend": nil],
            "db": [:],
            "app": ["links": ["dbx", "cache"], "networks": "frontend"],
            "groups": ["g": ["zzz"]],
        ]
        let error = try #require(mapError(input))
        let lines = [
            "m.groups.g[1]: unknown container 'zzz'",
            "m.app.links[1]: unknown container 'dbx' (did you mean 'db'?)",
            "m.app.links[2]: unknown container 'cache'",
            "m.app.networks[1]: unknown network 'frontend'",
        ]
        #expect(error.problems == lines)
        #expect(error.message == "map 'm' has 4 problems:\n  " + lines.joined(separator: "\n  "))
        #expect(error.object == "m.groups.g[1]")
        // Input problems are collected the same way, across containers and properties.
        #expect(mapProblems(["containers": ["a": ["stop_timeout": "x", "imgae": "y"], "b": ["links": [["x", "y", "z"]]]]]) == [
            "m.containers.a.stop_timeout: expected a non-negative number, got string \"x\"",
            "m.containers.a.imgae: unknown property (did you mean image?)",
            "m.containers.b.links[1]: a link has 1 or 2 items (container, alias); got 3",
        ])
    }

    @Test("Docker-Map checks references of configurations as extended; ours also where an abstract base writes them")
    func abstractReferences() {
        // Docker-Map checks only non-abstract configurations; a base nobody extends is not checked there.
        #expect(mapProblems(["base": ["abstract": true, "links": "nothing"], "app": [:]]) == [
            "m.base.links[1]: unknown container 'nothing'",
        ])
        // A base's link is fine when the target exists.
        #expect(mapProblems(["base": ["abstract": true, "links": "db"], "db": [:], "app": ["extends": "base"]]) == [])
    }

    // MARK: input checks: properties and types

    @Test("An unknown container property is a problem with the nearest valid name", arguments: [
        ("environment", "create_options.environment"),
        ("imgae", "image"),
        ("restart_policy", "host_config.restart_policy"),
        ("command", "create_options.command"),
        ("mem_limit", "host_config.mem_limit"),
        ("stop_timout", "stop_timeout"),
        ("link", "links"),
    ])
    func unknownProperty(name: String, suggestion: String) {
        #expect(mapProblems(["containers": ["app": .dict([(key: .string(name), value: "x")])]]) == [
            "m.containers.app.\(name): unknown property (did you mean \(suggestion)?)",
        ])
    }

    /// `init` and `log_config` are docker-py host-config keywords (EngineOptionNames.host), but a property within two
    /// edits (`wait`, `host_config`) is suggested first, which sends the user the wrong way.
    @Test("An engine option written as a property is pointed to its table even when a property is near", arguments: [
        ("init", "host_config.init"),
        ("log_config", "host_config.log_config"),
    ])
    func engineOptionBeforeNearProperty(name: String, suggestion: String) {
        let problems = mapProblems(["containers": ["app": .dict([(key: .string(name), value: true)])]])
        #expect(problems == ["m.containers.app.\(name): unknown property (did you mean \(suggestion)?)"])
    }

    /// Input problems of a container written at the map's top level (Docker-Map's dict format, as MAP_DATA_1 does)
    /// name it where it was written (`m.app…`); the whole-map checks name it under `containers` (`m.containers.app…`),
    /// a place the user did not write.
    @Test("Problems of a container written at the map's top level all name the place it was written")
    func topLevelContainerPaths() {
        #expect(mapProblems(["app": ["stop_timeout": "x"]]) == [
            "m.app.stop_timeout: expected a non-negative number, got string \"x\"",
        ])
        let problems = mapProblems(["db": [:], "app": ["links": "dbx"]])
        #expect(problems == ["m.app.links[1]: unknown container 'dbx' (did you mean 'db'?)"])
    }

    @Test("Unknown properties elsewhere: a map key that is no table, volume and network fields")
    func unknownElsewhere() {
        #expect(mapProblems(["repositry": "x"]) == [
            "m.repositry: expected a table (a container configuration), got string \"x\" (did you mean repository?)",
        ])
        #expect(mapProblems(["volumes": ["v": ["default_pth": "/v"]]]) == [
            "m.volumes.v.default_pth: unknown property (did you mean default_path?)",
        ])
        #expect(mapProblems(["networks": ["n": ["drivr": "bridge"]]]) == [
            "m.networks.n.drivr: unknown property (did you mean driver?)",
        ])
        #expect(mapProblems(["containers": ["app": ["zzzzzzzz": 1]]]) == ["m.containers.app.zzzzzzzz: unknown property"])
        // A container written at the map's top level (Docker-Map's dict format) is named where it was written.
        #expect(mapProblems(["app": ["zzzzzzzz": 1]]) == ["m.app.zzzzzzzz: unknown property"])
    }

    static let wrongTypesCases: [(InputValue, String)] = [
        (["stop_timeout": "x"] as InputValue, "m.containers.c.stop_timeout: expected a non-negative number, got string \"x\""),
        (["stop_timeout": -1], "m.containers.c.stop_timeout: expected a non-negative number, got number -1"),
        (["start_delay": true], "m.containers.c.start_delay: expected a non-negative number, got boolean true"),
        (["persistent": "yes"], "m.containers.c.persistent: expected a boolean, got string \"yes\""),
        (["abstract": 1], "m.containers.c.abstract: expected a boolean, got number 1"),
        (["image": 5], "m.containers.c.image: expected a string or a function, got number 5"),
        (["user": ["a", "b", "c"]], "m.containers.c.user: a user pair has 2 items (user, group); got 3"),
        (["user": true], "m.containers.c.user: expected a user name, uid, \"user:group\" or {user, group}, got boolean true"),
        (["stop_signal": true], "m.containers.c.stop_signal: expected a signal name or number, got boolean true"),
        (["create_options": "x"],
         "m.containers.c.create_options: expected a table with named fields or a function, got string \"x\""),
        (["host_config": 5], "m.containers.c.host_config: expected a table with named fields or a function, got number 5"),
        (["instances": ["a", ""]], "m.containers.c.instances[2]: expected a name, got an empty string"),
    ]

    @Test("Values of the wrong type are problems naming what was expected", arguments: wrongTypesCases)
    func wrongTypes(input: InputValue, expected: String) {
        #expect(mapProblems(["containers": ["c": input]]) == [expected])
    }

    @Test("Map properties of the wrong type are problems at the map's keys")
    func wrongMapTypes() {
        #expect(mapProblems(["set_hostname": "yes", "repository": 5, "clients": [1]]) == [
            "m.set_hostname: expected a boolean, got string \"yes\"",
            "m.repository: expected a string or a function, got number 5",
            "m.clients[1]: expected a string, got number 1",
        ])
        #expect(mapProblems("x") == ["m: expected a table (the map), got string \"x\""])
    }

    @Test("Names with dots are problems: dots separate map, container and instance")
    func dottedNames() {
        #expect(mapProblems(["containers": ["a.b": [:], "c": ["instances": "i.1"]]]) == [
            "m.containers[\"a.b\"]: container name 'a.b' contains a dot, which separates map, container and instance",
            "m.containers.c.instances[1]: instance name 'i.1' contains a dot, which separates map, container and instance",
        ])
    }

    // MARK: wait (beyond Docker-Map: lua-api.md §4)

    static let waitFormsCases: [(InputValue, WaitSpec)] = [
        ("healthy" as InputValue, WaitSpec(state: .healthy, timeout: nil)),
        ("running", WaitSpec(state: .running, timeout: nil)),
        ("exited", WaitSpec(state: .exited, timeout: nil)),
        (table((1, "healthy"), ("timeout", 60)), WaitSpec(state: .healthy, timeout: 60)),
        (["exited", 10], WaitSpec(state: .exited, timeout: 10)),
        (["state": "running", "timeout": .double(2.5)], WaitSpec(state: .running, timeout: 2.5)),
        (["running"], WaitSpec(state: .running, timeout: nil)),
    ]

    @Test("wait: a state, or a state with a timeout in seconds", arguments: waitFormsCases)
    func waitForms(input: InputValue, expected: WaitSpec) throws {
        let map = try ContainerMap.parse(name: "m", ["c": ["wait": input]])
        #expect(map.containers["c"]?.wait == expected)
        let again = try ContainerMap.parse(name: "m", map.input)
        #expect(again.containers["c"]?.wait == expected)
    }

    static let waitErrorsCases: [(InputValue, String)] = [
        ("healty" as InputValue,
         "m.containers.c.wait: expected \"healthy\", \"running\" or \"exited\", got string \"healty\" (did you mean 'healthy'?)"),
        (5, "m.containers.c.wait: expected \"healthy\", \"running\", \"exited\" or { state, timeout = seconds }, got number 5"),
        (["timeout": 5], "m.containers.c.wait: a wait needs a state: \"healthy\", \"running\" or \"exited\""),
        (table((1, "healthy"), ("timeout", -1)), "m.containers.c.wait.timeout: expected a non-negative number, got number -1"),
        (["healthy", "soon"], "m.containers.c.wait[2]: expected a non-negative number, got string \"soon\""),
        (["state": "healthy", "timeuot": 5],
         "m.containers.c.wait.timeuot: unknown field 'timeuot'; expected a state and timeout"),
    ]

    @Test("wait: wrong forms are problems at their place", arguments: waitErrorsCases)
    func waitErrors(input: InputValue, expected: String) {
        #expect(mapProblems(["containers": ["c": ["wait": input]]]) == [expected])
    }
}
