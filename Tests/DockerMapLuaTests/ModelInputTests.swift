import Testing
@testable import DockerMapLua

// Docker-Map's tests/test_input.py (InputConversionTest): every input form of a list property and the element it
// stands for, plus the forms it rejects, each with the place a user would see.

@Suite("Model: input forms (test_input.py)")
struct ModelInputTests {
    // MARK: helpers of map/input.py

    @Test("is_path: only strings starting with / or ./ are container paths")
    func isPath() {
        #expect(!BindEntry.isPath(""))
        #expect(!BindEntry.isPath("."))
        #expect(!BindEntry.isPath("test"))
        #expect(BindEntry.isPath("/"))
        #expect(BindEntry.isPath("/test"))
        #expect(BindEntry.isPath("./"))
        #expect(BindEntry.isPath("./test"))
    }

    @Test("read_only: any true value except \"rw\" means read-only")
    func readOnly() {
        #expect(!InputReader.readOnly(nil))
        #expect(!InputReader.readOnly(""))
        #expect(!InputReader.readOnly(0))
        #expect(!InputReader.readOnly("rw"))
        #expect(!InputReader.readOnly(false))
        #expect(InputReader.readOnly("ro"))
        #expect(InputReader.readOnly(1))
        #expect(InputReader.readOnly("test"))
        #expect(InputReader.readOnly(true))
    }

    @Test("get_list: nothing is an empty list, a string or function a list of one, a list stays a list")
    func getList() throws {
        let r = InputReader(problems: Problems())
        let p = InputPath("m.containers.c.shares")
        #expect(r.simpleList([], p)?.map { $0.0 } == [])
        #expect(r.simpleList(nil, p)?.map { $0.0 } == [])
        #expect(r.simpleList("test", p)?.map { $0.0 } == ["test"])
        #expect(r.simpleList(["a", "b"], p)?.map { $0.0 } == ["a", "b"])
        let lazy = CountingLazy("f", "test")
        let items = try #require(r.simpleList(lazy.input, p))
        #expect(items.count == 1)
        #expect(resolvedDeep(items[0].0) == "test")
        // As properties: instances and shares.
        let (config, _, problems) = parseConfig(["instances": "one", "shares": ["/a", lazy.input], "extends": nil])
        #expect(problems == [])
        #expect(config.instances == ["one"])
        #expect(config.shares.count == 2 && config.shares[0] == "/a" && config.shares[1] == lazy.input)
        #expect(config.extends == [])
    }

    @Test("get_list rejects anything but a string, a function or a list, naming the property")
    func getListErrors() {
        let (_, _, problems) = parseConfig(["instances": 5, "shares": ["a": "b"], "clients": [true]])
        #expect(problems == [
            "m.containers.c.instances: expected a string or a list, got number 5",
            "m.containers.c.shares: expected a string or a list, got a table with named fields",
            "m.containers.c.clients[1]: expected a string, got boolean true",
        ])
    }

    // MARK: binds (SharedHostVolumesList)

    static let bindElementCases: [(InputValue, BindEntry)] = [
        // assert_a
        ("a", BindEntry.alias(name: "a", readonly: false)),
        (["a"], .alias(name: "a", readonly: false)),
        (["a", false], .alias(name: "a", readonly: false)),
        // assert_b
        (["b", "ro"], .alias(name: "b", readonly: true)),
        (["b": "ro"], .alias(name: "b", readonly: true)),
        (["b", true], .alias(name: "b", readonly: true)),
        (["b", [true]], .alias(name: "b", readonly: true)),
        (["name": "b", "readonly": true], .alias(name: "b", readonly: true)),
        // assert_c (Docker-Map's test writes the container path as 'c'; ours must look like a path, see below)
        (["/c", "ch"], .host(path: "/c", hostPath: "ch", readonly: false)),
        (["/c", "ch", false], .host(path: "/c", hostPath: "ch", readonly: false)),
        (["/c", ["ch"]], .host(path: "/c", hostPath: "ch", readonly: false)),
        (["/c", ["ch", "rw"]], .host(path: "/c", hostPath: "ch", readonly: false)),
        (["/c": "ch"], .host(path: "/c", hostPath: "ch", readonly: false)),
        (["/c": ["ch"]], .host(path: "/c", hostPath: "ch", readonly: false)),
        // assert_d
        (["/d", "dh", "ro"], .host(path: "/d", hostPath: "dh", readonly: true)),
        (["/d": ["dh", true]], .host(path: "/d", hostPath: "dh", readonly: true)),
        (["path": "/d", "host_path": "dh", "readonly": true], .host(path: "/d", hostPath: "dh", readonly: true)),
        // features §4.2 examples
        (["/etc/nginx": ["config/nginx", "ro"]], .host(path: "/etc/nginx", hostPath: "config/nginx", readonly: true)),
        (["./rel", "rh"], .host(path: "./rel", hostPath: "rh", readonly: false)),
    ]

    @Test("binds: each element form gives a volume alias or a host bind", arguments: bindElementCases)
    func bindElement(input: InputValue, expected: BindEntry) {
        let (item, problems) = parseItem(BindEntry.self, input)
        #expect(problems == [])
        #expect(item == expected)
    }

    @Test("binds: a whole list property in every form gives the same elements")
    func bindLists() {
        let a = BindEntry.alias(name: "a", readonly: false)
        for input in ["a", [["a"]], [["a", false]]] as [InputValue] {
            let (items, problems) = parseList(BindEntry.self, input)
            #expect(problems == [])
            #expect(items == [a])
        }
        let all: [BindEntry] = [
            a, .alias(name: "b", readonly: true), .host(path: "/c", hostPath: "ch", readonly: false),
            .host(path: "/d", hostPath: "dh", readonly: true),
        ]
        for input in [
            [["a"], ["b", true], ["/c", "ch"], ["/d", "dh", "ro"]],
            ["a", ["b", "ro"], ["/c", ["ch"]], ["/d", "dh", true]],
            ["a": false, "b": "ro", "/c": "ch", "/d": ["dh", true]],
        ] as [InputValue] {
            let (items, problems) = parseList(BindEntry.self, input)
            #expect(problems == [])
            #expect(items == all)
        }
    }

    @Test("binds: a host path may be a function or a table of paths per instance")
    func bindHostPathForms() {
        let lazy = CountingLazy("f", "/srv/x")
        let (item, problems) = parseItem(BindEntry.self, ["/x", lazy.input])
        #expect(problems == [])
        #expect(item == .host(path: "/x", hostPath: lazy.input, readonly: false))
        #expect(lazy.calls == 0)
        let perInstance: InputValue = ["i1": "one", "i2": "two"]
        let (item2, problems2) = parseItem(BindEntry.self, ["/x": [perInstance, "ro"]])
        #expect(problems2 == [])
        #expect(item2 == .host(path: "/x", hostPath: perInstance, readonly: true))
    }

    @Test("binds: wrong forms are problems at the element's place")
    func bindErrors() {
        #expect(parseList(BindEntry.self, [["/a", "b", "c", "d"]], at: "m.containers.c.binds").1 == [
            "m.containers.c.binds[1]: a bind has 1 to 3 items (alias, or container path, host path, readonly); got 4",
        ])
        #expect(parseList(BindEntry.self, ["ok", ["/c", ["h", "ro", "x"]]], at: "m.containers.c.binds").1 == [
            "m.containers.c.binds[2][2]: expected {host_path} or {host_path, readonly}, got 3 items",
        ])
        #expect(parseList(BindEntry.self, [5], at: "m.containers.c.binds").1 == [
            "m.containers.c.binds[1]: expected a volume alias, a list or a table, got number 5",
        ])
        #expect(parseList(BindEntry.self, true, at: "m.containers.c.binds").1 == [
            "m.containers.c.binds: expected a list, got boolean true",
        ])
        #expect(parseList(BindEntry.self, [["path": "/x"]], at: "m.containers.c.binds").1 == [
            "m.containers.c.binds[1]: a host bind needs both 'path' and 'host_path'",
        ])
        #expect(parseList(BindEntry.self, [["/x", 5]], at: "m.containers.c.binds").1 == [
            "m.containers.c.binds[1][2]: expected a host path, a function or a table of paths per instance, got number 5",
        ])
    }

    /// Docker-Map accepts `('c', 'ch')` as `HostVolume('c', 'ch')` when reading input and fails only when the
    /// container is created (`policy/utils.py`: "Host-container-binding must be described by two paths or one alias
    /// name."). We report it when the map is read.
    @Test("binds: a container path that is not a path is reported when the map is read, not at create")
    func bindContainerPathMustBeAPath() {
        let (item, problems) = parseItem(BindEntry.self, ["c", "ch"], at: "m.containers.c.binds[1]")
        #expect(item == nil)
        #expect(problems == [
            "m.containers.c.binds[1][1]: 'c' is not a path inside the container (start it with / or ./); "
                + "a volume alias stands alone or with a read-only flag",
        ])
    }

    // MARK: attaches (AttachedVolumeList)

    static let attachedElementCases: [(InputValue, AttachedVolume)] = [
        ("a", AttachedVolume(name: "a", path: nil)),
        (["a"], AttachedVolume(name: "a", path: nil)),
        (["a", nil], AttachedVolume(name: "a", path: nil)),
        (["a", false], AttachedVolume(name: "a", path: nil)),
        (["name": "a"], AttachedVolume(name: "a", path: nil)),
        (["a": nil], AttachedVolume(name: "a", path: nil)),
        (["name": "a", "readonly": false], AttachedVolume(name: "a", path: nil)),
        (["c", "p1"], AttachedVolume(name: "c", path: "p1")),
        (["c": "p1"], AttachedVolume(name: "c", path: "p1")),
        (["name": "c", "path": "p1"], AttachedVolume(name: "c", path: "p1")),
    ]

    @Test("attaches: each element form gives an alias, with or without an inline path", arguments: attachedElementCases)
    func attachedElement(input: InputValue, expected: AttachedVolume) {
        let (item, problems) = parseItem(AttachedVolume.self, input)
        #expect(problems == [])
        #expect(item == expected)
    }

    @Test("attaches: a whole list property in every form gives the same elements")
    func attachedLists() {
        for input in ["a", [["a"]], [["name": "a"]]] as [InputValue] {
            let (items, problems) = parseList(AttachedVolume.self, input)
            #expect(problems == [])
            #expect(items == [AttachedVolume(name: "a", path: nil)])
        }
        let all = [
            AttachedVolume(name: "a", path: nil), AttachedVolume(name: "b", path: nil),
            AttachedVolume(name: "c", path: "p1"),
        ]
        for input in [
            ["a", ["b", false], ["c": "p1"]],
            ["a": false, "b": nil, "c": "p1"],
            [["name": "a"], ["name": "b", "readonly": false], ["name": "c", "path": "p1"]],
        ] as [InputValue] {
            let (items, problems) = parseList(AttachedVolume.self, input)
            #expect(problems == [])
            #expect(items == all)
        }
    }

    @Test("attaches: a read-only or over-long element is a problem at its place")
    func attachedErrors() {
        #expect(parseList(AttachedVolume.self, [["name": "a", "readonly": true]], at: "m.containers.c.attaches").1 == [
            "m.containers.c.attaches[1].readonly: an attached volume cannot be read-only (use it read-only in 'uses')",
        ])
        #expect(parseList(AttachedVolume.self, ["ok", ["a", "/p", "ro"]], at: "m.containers.c.attaches").1 == [
            "m.containers.c.attaches[2]: an attached volume has 1 or 2 items (alias, path); got 3",
        ])
        #expect(parseList(AttachedVolume.self, [["path": "/p"]], at: "m.containers.c.attaches").1 == [
            "m.containers.c.attaches[1]: an attached volume needs a 'name'",
        ])
        #expect(parseList(AttachedVolume.self, [[5]], at: "m.containers.c.attaches").1 == [
            "m.containers.c.attaches[1][1]: expected a string, got number 5",
        ])
    }

    // MARK: uses (UsedVolumeList; Docker-Map's own test is empty, the rules are those of binds)

    static let usedElementCases: [(InputValue, UsedVolume)] = [
        ("a", UsedVolume(name: "a", path: nil, readonly: false)),
        (["a"], UsedVolume(name: "a", path: nil, readonly: false)),
        (["a", "ro"], UsedVolume(name: "a", path: nil, readonly: true)),
        (["a": "rw"], UsedVolume(name: "a", path: nil, readonly: false)),
        (["a", [true]], UsedVolume(name: "a", path: nil, readonly: true)),
        (["a", "/p"], UsedVolume(name: "a", path: "/p", readonly: false)),
        (["a", "/p", "ro"], UsedVolume(name: "a", path: "/p", readonly: true)),
        (["a", ["/p", true]], UsedVolume(name: "a", path: "/p", readonly: true)),
        (["a": ["/p"]], UsedVolume(name: "a", path: "/p", readonly: false)),
        (["name": "a", "path": "/p", "readonly": true], UsedVolume(name: "a", path: "/p", readonly: true)),
        (["name": "a"], UsedVolume(name: "a", path: nil, readonly: false)),
    ]

    @Test("uses: the binds forms, where a path gives a used volume at another path", arguments: usedElementCases)
    func usedElement(input: InputValue, expected: UsedVolume) {
        let (item, problems) = parseItem(UsedVolume.self, input)
        #expect(problems == [])
        #expect(item == expected)
    }

    @Test("uses: wrong forms are problems at their place")
    func usedErrors() {
        #expect(parseList(UsedVolume.self, [["a", "/p", "ro", "x"]], at: "m.containers.c.uses").1 == [
            "m.containers.c.uses[1]: a used volume has 1 to 3 items (name, path, readonly); got 4",
        ])
        #expect(parseList(UsedVolume.self, [["path": "/p", "readonly": true]], at: "m.containers.c.uses").1 == [
            "m.containers.c.uses[1]: a used volume needs a 'name'",
        ])
    }

    // MARK: links (ContainerLinkList)

    static let linkElementCases: [(InputValue, ContainerLink)] = [
        ("a", ContainerLink(container: "a", alias: nil)),
        (["a"], ContainerLink(container: "a", alias: nil)),
        (["container": "a"], ContainerLink(container: "a", alias: nil)),
        (["a", nil], ContainerLink(container: "a", alias: nil)),
        (["b", "b_"], ContainerLink(container: "b", alias: "b_")),
        (["container": "b", "alias": "b_"], ContainerLink(container: "b", alias: "b_")),
        (["b": "b_"], ContainerLink(container: "b", alias: "b_")),
    ]

    @Test("links: each element form gives a container and an optional alias", arguments: linkElementCases)
    func linkElement(input: InputValue, expected: ContainerLink) {
        let (item, problems) = parseItem(ContainerLink.self, input)
        #expect(problems == [])
        #expect(item == expected)
    }

    @Test("links: a whole list property in every form gives the same elements")
    func linkLists() {
        let a = ContainerLink(container: "a", alias: nil)
        for input in ["a", ["a": nil], [["container": "a"]], [["a"]]] as [InputValue] {
            let (items, problems) = parseList(ContainerLink.self, input)
            #expect(problems == [])
            #expect(items == [a])
        }
        let both = [a, ContainerLink(container: "b", alias: "b_")]
        for input in [
            ["a", ["b", "b_"]],
            ["a": nil, "b": "b_"],
            [["container": "a"], ["container": "b", "alias": "b_"]],
        ] as [InputValue] {
            let (items, problems) = parseList(ContainerLink.self, input)
            #expect(problems == [])
            #expect(items == both)
        }
    }

    @Test("links: wrong forms are problems at their place")
    func linkErrors() {
        #expect(parseList(ContainerLink.self, [["a", "b", "c"]], at: "m.containers.c.links").1 == [
            "m.containers.c.links[1]: a link has 1 or 2 items (container, alias); got 3",
        ])
        #expect(parseList(ContainerLink.self, ["ok", ["container": 5]], at: "m.containers.c.links").1 == [
            "m.containers.c.links[2].container: expected a string, got number 5",
        ])
        #expect(parseList(ContainerLink.self, [["alias": "x", "other": 1]], at: "m.containers.c.links").1 == [
            "m.containers.c.links[1].other: unknown field 'other'; expected container, alias",
            "m.containers.c.links[1]: a link needs a 'container'",
        ])
    }

    // MARK: exposes (PortBindingList)

    static let portElementCases: [(InputValue, PortBinding)] = [
        // assert_a: PortBinding('1234'), the port kept as the string it was written as
        ("1234", PortBinding(exposedPort: "1234", hostPort: nil, interface: nil, ipv6: false)),
        (["1234"], PortBinding(exposedPort: "1234", hostPort: nil, interface: nil, ipv6: false)),
        (["1234", nil], PortBinding(exposedPort: "1234", hostPort: nil, interface: nil, ipv6: false)),
        (["exposed_port": "1234"], PortBinding(exposedPort: "1234", hostPort: nil, interface: nil, ipv6: false)),
        // assert_c
        ([1234, 1234, "0.0.0.0"], PortBinding(exposedPort: 1234, hostPort: 1234, interface: "0.0.0.0", ipv6: false)),
        ([1234, [1234, "0.0.0.0"]], PortBinding(exposedPort: 1234, hostPort: 1234, interface: "0.0.0.0", ipv6: false)),
        // assert_d
        ([1234, 1234, "0.0.0.0", true],
         PortBinding(exposedPort: 1234, hostPort: 1234, interface: "0.0.0.0", ipv6: true)),
        (["exposed_port": 1234, "host_port": 1234, "interface": "0.0.0.0", "ipv6": true],
         PortBinding(exposedPort: 1234, hostPort: 1234, interface: "0.0.0.0", ipv6: true)),
        ([1234, [1234, "0.0.0.0", true]], PortBinding(exposedPort: 1234, hostPort: 1234, interface: "0.0.0.0", ipv6: true)),
        ([1234, ["host_port": 1234, "interface": "0.0.0.0"]],
         PortBinding(exposedPort: 1234, hostPort: 1234, interface: "0.0.0.0", ipv6: false)),
        (table((1234, [1234, "private"])), PortBinding(exposedPort: 1234, hostPort: 1234, interface: "private", ipv6: false)),
    ]

    @Test("exposes: each element form gives a port binding", arguments: portElementCases)
    func portElement(input: InputValue, expected: PortBinding) {
        let (item, problems) = parseItem(PortBinding.self, input)
        #expect(problems == [])
        #expect(item == expected)
    }

    @Test("exposes: a function as host port is kept, not called, and gives the port later")
    func portLazyHost() throws {
        let lazy = CountingLazy("f", once: true, 1234)
        let (item, problems) = parseItem(PortBinding.self, [1234, lazy.input])
        #expect(problems == [])
        let binding = try #require(item)
        #expect(binding.exposedPort == 1234)
        #expect(binding.hostPort == lazy.input)
        #expect(lazy.calls == 0)
        #expect(resolvedDeep(binding.hostPort) == 1234)
        #expect(lazy.calls == 1)
    }

    @Test("exposes: a whole list property in every form gives the same elements")
    func portLists() {
        let a = PortBinding(exposedPort: "1234", hostPort: nil, interface: nil, ipv6: false)
        for input in ["1234", [["1234"]]] as [InputValue] {
            let (items, problems) = parseList(PortBinding.self, input)
            #expect(problems == [])
            #expect(items == [a])
        }
        let all = [
            a, PortBinding(exposedPort: 1234, hostPort: 1234, interface: nil, ipv6: false),
            PortBinding(exposedPort: 1235, hostPort: 1235, interface: "0.0.0.0", ipv6: true),
        ]
        for input in [
            ["1234", [1234, 1234], [1235, 1235, "0.0.0.0", true]],
            [["1234", [nil, nil]], [1234, 1234], [1235, [1235, "0.0.0.0", true]]],
            table(("1234", nil), (1234, 1234), (1235, [1235, "0.0.0.0", true])),
            table(("1234", nil), (1234, ["host_port": 1234]),
                  (1235, ["host_port": 1235, "interface": "0.0.0.0", "ipv6": true])),
        ] as [InputValue] {
            let (items, problems) = parseList(PortBinding.self, input)
            #expect(problems == [])
            #expect(items == all)
        }
        // MAP_DATA_1's {80: 80, 443: 443}
        let (web, problems) = parseList(PortBinding.self, table((80, 80), (443, 443)))
        #expect(problems == [])
        #expect(web == [
            PortBinding(exposedPort: 80, hostPort: 80, interface: nil, ipv6: false),
            PortBinding(exposedPort: 443, hostPort: 443, interface: nil, ipv6: false),
        ])
    }

    @Test("exposes: wrong forms are problems at their place")
    func portErrors() {
        #expect(parseList(PortBinding.self, [[1, 2, 3, 4, 5]], at: "m.containers.c.exposes").1 == [
            "m.containers.c.exposes[1]: a port binding has 1 to 4 items (port, host port, interface, ipv6); got 5",
        ])
        #expect(parseList(PortBinding.self, [[80, [8080]]], at: "m.containers.c.exposes").1 == [
            "m.containers.c.exposes[1][2]: expected {host_port, interface} or {host_port, interface, ipv6}",
        ])
        #expect(parseList(PortBinding.self, [[true]], at: "m.containers.c.exposes").1 == [
            "m.containers.c.exposes[1][1]: expected a port number or a string such as \"53/udp\", got boolean true",
        ])
        #expect(parseList(PortBinding.self, [["host_port": 80, "ipv6": true]], at: "m.containers.c.exposes").1 == [
            "m.containers.c.exposes[1]: a port binding needs 'exposed_port'",
        ])
        #expect(parseList(PortBinding.self, [[80, 80, "eth0", "yes"]], at: "m.containers.c.exposes").1 == [
            "m.containers.c.exposes[1][4]: expected a boolean, got string \"yes\"",
        ])
    }

    // MARK: exec_commands (ExecCommandList)

    static let execElementCases: [(InputValue, ExecCommand)] = [
        ("a b c", ExecCommand(cmd: "a b c", user: nil, policy: .restart)),
        (["a b c"], ExecCommand(cmd: "a b c", user: nil, policy: .restart)),
        (["a b c", nil], ExecCommand(cmd: "a b c", user: nil, policy: .restart)),
        ([["a", "b", "c"]], ExecCommand(cmd: ["a", "b", "c"], user: nil, policy: .restart)),
        ([["a", "b", "c"], nil], ExecCommand(cmd: ["a", "b", "c"], user: nil, policy: .restart)),
        (["a b c", "user"], ExecCommand(cmd: "a b c", user: "user", policy: .restart)),
        ([["a", "b", "c"], "user"], ExecCommand(cmd: ["a", "b", "c"], user: "user", policy: .restart)),
        (["a b c", "user", "initial"], ExecCommand(cmd: "a b c", user: "user", policy: .initial)),
        ([["a", "b", "c"], "user", "initial"], ExecCommand(cmd: ["a", "b", "c"], user: "user", policy: .initial)),
        (["cmd": ["a", "b", "c"], "user": "user", "policy": "initial"],
         ExecCommand(cmd: ["a", "b", "c"], user: "user", policy: .initial)),
        (["cmd": "a b c", "user": "user", "policy": "restart"], ExecCommand(cmd: "a b c", user: "user", policy: .restart)),
        (["cmd": "a b c"], ExecCommand(cmd: "a b c", user: nil, policy: .restart)),
        (["a b c", 1000], ExecCommand(cmd: "a b c", user: 1000, policy: .restart)),
    ]

    @Test("exec_commands: each element form gives a command, a user and a policy", arguments: execElementCases)
    func execElement(input: InputValue, expected: ExecCommand) {
        let (item, problems) = parseItem(ExecCommand.self, input)
        #expect(problems == [])
        #expect(item == expected)
    }

    @Test("exec_commands: functions as command and user are kept uncalled and give the values later")
    func execLazy() throws {
        let cmdLine = CountingLazy("cmd", once: true, "a b c")
        let cmdList = CountingLazy("cmd", once: true, ["a", "b", "c"])
        let user = CountingLazy("user", once: true, "user")
        let cases: [(InputValue, InputValue, InputValue?, ExecCommand.Policy)] = [
            (cmdLine.input, "a b c", nil, .restart),
            (.list([cmdLine.input, user.input]), "a b c", "user", .restart),
            (.list([cmdList.input, user.input]), ["a", "b", "c"], "user", .restart),
            (.list([cmdLine.input, user.input, "initial"]), "a b c", "user", .initial),
            (.list([cmdList.input, user.input, "initial"]), ["a", "b", "c"], "user", .initial),
        ]
        let parsed = cases.map { parseItem(ExecCommand.self, $0.0) }
        #expect(cmdLine.calls + cmdList.calls + user.calls == 0, "reading the input calls no function")
        for ((item, problems), (_, cmd, expectedUser, policy)) in zip(parsed, cases) {
            #expect(problems == [])
            let command = try #require(item)
            #expect(resolvedDeep(command.cmd) == cmd)
            #expect(resolvedDeep(command.user) == expectedUser)
            #expect(command.policy == policy)
        }
        #expect(cmdLine.calls == 1 && cmdList.calls == 1 && user.calls == 1, "each once-function is called once")
    }

    @Test("exec_commands: a whole list property in every form gives the same elements")
    func execLists() {
        let a = ExecCommand(cmd: "a b c", user: nil, policy: .restart)
        for input in ["a b c", ["a b c"], [["cmd": "a b c"]]] as [InputValue] {
            let (items, problems) = parseList(ExecCommand.self, input)
            #expect(problems == [])
            #expect(items == [a])
        }
        let all = [
            ExecCommand(cmd: ["a", "b", "c"], user: nil, policy: .restart),
            ExecCommand(cmd: "a b c", user: "user", policy: .restart),
            ExecCommand(cmd: ["a", "b", "c"], user: "root", policy: .initial),
        ]
        for input in [
            [[["a", "b", "c"]], ["a b c", "user"], [["a", "b", "c"], "root", "initial"]],
            [[["a", "b", "c"], nil], ["cmd": "a b c", "user": "user", "policy": "restart"],
             [["a", "b", "c"], "root", "initial"]],
        ] as [InputValue] {
            let (items, problems) = parseList(ExecCommand.self, input)
            #expect(problems == [])
            #expect(items == all)
        }
    }

    @Test("exec_commands: wrong forms are problems at their place")
    func execErrors() {
        #expect(parseList(ExecCommand.self, [["a", "u", "always"]], at: "m.containers.c.exec_commands").1 == [
            "m.containers.c.exec_commands[1][3]: expected \"restart\" or \"initial\", got string \"always\"",
        ])
        #expect(parseList(ExecCommand.self, ["ok", ["a", "u", "initial", "x"]], at: "m.containers.c.exec_commands").1 == [
            "m.containers.c.exec_commands[2]: an exec command has 1 to 3 items (command, user, policy); got 4",
        ])
        #expect(parseList(ExecCommand.self, [["user": "root"]], at: "m.containers.c.exec_commands").1 == [
            "m.containers.c.exec_commands[1]: an exec command needs 'cmd'",
        ])
        #expect(parseList(ExecCommand.self, [[5]], at: "m.containers.c.exec_commands").1 == [
            "m.containers.c.exec_commands[1][1]: expected a command line, a list of arguments or a function, got number 5",
        ])
    }

    // MARK: networks (NetworkEndpointList)

    static let endpoint1 = NetworkEndpoint(
        networkName: "endpoint1", aliases: nil, links: [], ipv4Address: nil, ipv6Address: nil, linkLocalIPs: nil)
    static let endpoint2 = NetworkEndpoint(
        networkName: "endpoint2", aliases: ["alias1"], links: [], ipv4Address: nil, ipv6Address: nil, linkLocalIPs: nil)
    static let endpoint3 = NetworkEndpoint(
        networkName: "endpoint3", aliases: ["alias1"], links: [], ipv4Address: "0.0.0.0", ipv6Address: nil,
        linkLocalIPs: nil)

    static let endpointElementCases: [(InputValue, NetworkEndpoint)] = [
        ("endpoint1", ModelInputTests.endpoint1),
        (["endpoint1"], ModelInputTests.endpoint1),
        (["endpoint1": ""], ModelInputTests.endpoint1),
        (["endpoint1": nil], ModelInputTests.endpoint1),
        (["network_name": "endpoint1"], ModelInputTests.endpoint1),
        (["endpoint2", "alias1"], ModelInputTests.endpoint2),
        (["endpoint2": "alias1"], ModelInputTests.endpoint2),
        (["endpoint2", ["aliases": "alias1"]], ModelInputTests.endpoint2),
        (["endpoint2", ["alias1"]], ModelInputTests.endpoint2),
        (["endpoint2": ["alias1"]], ModelInputTests.endpoint2),
        (["endpoint2": ["aliases": "alias1"]], ModelInputTests.endpoint2),
        (["endpoint2": ["aliases": ["alias1"]]], ModelInputTests.endpoint2),
        (["network_name": "endpoint2", "aliases": "alias1"], ModelInputTests.endpoint2),
        (["network_name": "endpoint2", "aliases": ["alias1"]], ModelInputTests.endpoint2),
        (["endpoint3", "alias1", nil, "0.0.0.0"], ModelInputTests.endpoint3),
        (["endpoint3": ["alias1", nil, "0.0.0.0"]], ModelInputTests.endpoint3),
        (["endpoint3", ["aliases": "alias1", "ipv4_address": "0.0.0.0"]], ModelInputTests.endpoint3),
        (["endpoint3": ["aliases": "alias1", "ipv4_address": "0.0.0.0"]], ModelInputTests.endpoint3),
        (["network_name": "endpoint3", "aliases": "alias1", "ipv4_address": "0.0.0.0"], ModelInputTests.endpoint3),
    ]

    @Test("networks: each element form gives an endpoint", arguments: endpointElementCases)
    func endpointElement(input: InputValue, expected: NetworkEndpoint) {
        let (item, problems) = parseItem(NetworkEndpoint.self, input)
        #expect(problems == [])
        #expect(item == expected)
    }

    @Test("networks: a Lua table with the network first and named fields after is one endpoint")
    func endpointLuaMixedTable() {
        let input = table((1, "endpoint3"), ("aliases", "alias1"), ("ipv4_address", "0.0.0.0"))
        let (item, problems) = parseItem(NetworkEndpoint.self, input)
        #expect(problems == [])
        #expect(item == Self.endpoint3)
    }

    @Test("networks: endpoint links become container links")
    func endpointLinks() {
        let (items, problems) = parseList(NetworkEndpoint.self, [
            "bridge": nil, "app": ["links": [["app_server.instance1", "i1"], ["app_server.instance2", "i2"]]],
        ])
        #expect(problems == [])
        #expect(items.map(\.networkName) == ["bridge", "app"])
        #expect(items.last?.links == [
            ContainerLink(container: "app_server.instance1", alias: "i1"),
            ContainerLink(container: "app_server.instance2", alias: "i2"),
        ])
    }

    @Test("networks: a whole list property in every form gives the same endpoints")
    func endpointLists() {
        for input in ["endpoint1", ["endpoint1"], ["endpoint1": nil], [["network_name": "endpoint1"]]] as [InputValue] {
            let (items, problems) = parseList(NetworkEndpoint.self, input)
            #expect(problems == [])
            #expect(items == [Self.endpoint1])
        }
        for input in [
            [["endpoint2", "alias1"], ["endpoint3", "alias1", nil, "0.0.0.0"]],
            [["endpoint2", ["aliases": "alias1"]], ["endpoint3", ["aliases": ["alias1"], "ipv4_address": "0.0.0.0"]]],
            [["network_name": "endpoint2", "aliases": "alias1"],
             ["network_name": "endpoint3", "aliases": ["alias1"], "ipv4_address": "0.0.0.0"]],
        ] as [InputValue] {
            let (items, problems) = parseList(NetworkEndpoint.self, input)
            #expect(problems == [])
            #expect(items == [Self.endpoint2, Self.endpoint3])
        }
    }

    @Test("networks: wrong forms are problems at their place")
    func endpointErrors() {
        #expect(parseList(NetworkEndpoint.self, [["n", 1, 2, 3, 4, 5, 6]], at: "m.containers.c.networks").1 == [
            "m.containers.c.networks[1]: a network endpoint has 1 to 6 items (network, aliases, links, ipv4_address, "
                + "ipv6_address, link_local_ips); got 7",
        ])
        #expect(parseList(NetworkEndpoint.self, [["n": 5]], at: "m.containers.c.networks").1 == [
            "m.containers.c.networks[1].n: expected an alias, a table of endpoint fields or a list of 1 to 5 of them",
        ])
        #expect(parseList(NetworkEndpoint.self, [["n", ["ipv4": "10.0.0.1"]]], at: "m.containers.c.networks").1 == [
            "m.containers.c.networks[1][2].ipv4: unknown field 'ipv4' (did you mean 'ipv4_address'?); expected "
                + "network_name, aliases, links, ipv4_address, ipv6_address, link_local_ips",
        ])
        #expect(parseList(NetworkEndpoint.self, [["aliases": "x", "ipv4_address": "1"]], at: "m.containers.c.networks").1 == [
            "m.containers.c.networks[1]: a network endpoint needs 'network_name'",
        ])
    }

    // MARK: healthcheck (get_healthcheck)

    static let check1 = HealthCheck(
        test: ["CMD", "test"], interval: 10_000, timeout: 1_000_000_000, retries: 3, startPeriod: 60_000_000_000)
    static let check2 = HealthCheck(test: ["CMD-SHELL", "test2"], interval: 10_000, timeout: 1_000_000, retries: 1)

    static let healthcheckCases: [(InputValue, HealthCheck)] = [
        ([["test"], "10us", "1000 ms", 3, "1m"], ModelInputTests.check1),
        (["test": ["CMD", "test"], "interval": "10000 ns", "timeout": "1000ms", "retries": 3, "start_period": "1m"],
         ModelInputTests.check1),
        ([["CMD-SHELL", "test2"], "10 us", "1ms", 1], ModelInputTests.check2),
        ("curl -f http://localhost/", HealthCheck(test: "curl -f http://localhost/")),
        ([["NONE"]], HealthCheck(test: ["NONE"])),
        ("NONE", HealthCheck()),
        (["test": "NONE"], HealthCheck()),
        (["test": ""], HealthCheck()),
        (["test": ["true"], "interval": 5, "timeout": "2s", "start_period": "10"],
         HealthCheck(test: ["CMD", "true"], interval: 5, timeout: 2_000_000_000, startPeriod: 10)),
    ]

    @Test("healthcheck: lists, tables and strings give a check with durations in nanoseconds", arguments: healthcheckCases)
    func healthcheck(input: InputValue, expected: HealthCheck) {
        let problems = Problems()
        let check = HealthCheck.parse(input, InputPath("m.containers.c.healthcheck"), InputReader(problems: problems))
        #expect(problemLines(problems) == [])
        #expect(check == expected)
    }

    @Test("healthcheck: \"NONE\" switches the image's check off and is written back as NONE")
    func healthcheckNone() {
        let (config, _, problems) = parseConfig(["healthcheck": "NONE"])
        #expect(problems == [])
        #expect(config.healthcheck == HealthCheck(test: nil))
        #expect(config.healthcheck?.input == ["test": "NONE"])
    }

    @Test("healthcheck: wrong forms are problems at their place")
    func healthcheckErrors() {
        func errors(_ input: InputValue) -> [String] {
            let problems = Problems()
            _ = HealthCheck.parse(input, InputPath("m.containers.c.healthcheck"), InputReader(problems: problems))
            return problemLines(problems)
        }
        #expect(errors(["test": ["x"], "interval": "10 parsecs"]) == [
            "m.containers.c.healthcheck.interval: '10 parsecs' is not a duration (a number with ns, us, ms, s or m)",
        ])
        #expect(errors([["x"], 1, 2, 3, 4, 5]) == [
            "m.containers.c.healthcheck: a health check list has 1 to 5 items (test, interval, timeout, retries, "
                + "start_period)",
        ])
        #expect(errors([["x"], nil, nil, "3"]) == [
            "m.containers.c.healthcheck[4]: expected a whole number of retries, got string \"3\"",
        ])
        #expect(errors(["tset": "x"]) == [
            "m.containers.c.healthcheck.tset: unknown field 'tset' (did you mean 'test'?); expected test, interval, "
                + "timeout, retries, start_period",
        ])
        #expect(errors(5) == ["m.containers.c.healthcheck: expected a command, a list or a table, got number 5"])
    }

    // MARK: network_mode (get_network_mode)

    static let networkModeCases: [(InputValue, NetworkMode)] = [
        (nil, NetworkMode.plain("none")),
        ("", .plain("none")),
        (false, .plain("none")),
        ("disabled", .plain("none")),
        ("bridge", .plain("bridge")),
        ("host", .plain("host")),
        ("none", .plain("none")),
        ("container:other", .plain("container:other")),
        ("/other", .plain("container:other")),
        ("app", .container(config: "app", instance: nil)),
        ("app.", .container(config: "app", instance: nil)),
        ("app.i1", .container(config: "app", instance: "i1")),
        (["app", "i1"], .container(config: "app", instance: "i1")),
        (["app", nil], .container(config: "app", instance: nil)),
    ]

    @Test("network_mode: presets, outside containers and containers of the map", arguments: networkModeCases)
    func networkMode(input: InputValue, expected: NetworkMode) {
        let problems = Problems()
        let mode = NetworkMode.parse(input, InputPath("m.containers.c.network_mode"), InputReader(problems: problems))
        #expect(problemLines(problems) == [])
        #expect(mode == expected)
    }

    /// Docker-Map *returns* a ValueError object for a list of the wrong length (features §4.1); we report it.
    @Test("network_mode: a list of the wrong length or a number is a problem")
    func networkModeErrors() {
        let (_, _, problems) = parseConfig(["network_mode": ["a", "b", "c"]])
        #expect(problems == ["m.containers.c.network_mode: a container reference has 2 items (config, instance)"])
        let (_, _, problems2) = parseConfig(["network_mode": 5])
        #expect(problems2 == [
            "m.containers.c.network_mode: expected \"bridge\", \"host\", \"none\", \"container:<name>\" or a "
                + "container of the map, got number 5",
        ])
    }

    // MARK: lazy values (test_value_resolution.py)

    @Test("A function called once (lazy_once) is called on first use only; a plain one on every use")
    func lazyOnce() throws {
        let once = CountingLazy("b", once: true, "/test/path_b")
        #expect(once.calls == 0)
        #expect(try once.value.resolve() == "/test/path_b")
        #expect(try once.value.resolve() == "/test/path_b")
        #expect(once.calls == 1)
        let every = CountingLazy("a", "/test/path_a")
        _ = try every.value.resolve()
        _ = try every.value.resolve()
        #expect(every.calls == 2)
    }

    @Test("A function giving a function is resolved through")
    func lazyNested() throws {
        let inner = CountingLazy("inner", "x")
        let outer = LazyValue(label: "outer") { inner.input }
        #expect(try outer.resolve() == "x")
        #expect(inner.calls == 1)
    }

    // MARK: merge_list

    @Test("merge_list: appends what is not there yet, keeping the order")
    func mergeList() {
        var list = ListMerge.union(["a", "b", "c"], ["d"])
        #expect(list == ["a", "b", "c", "d"])
        list = ListMerge.union(list, ["c", "c"])
        #expect(list == ["a", "b", "c", "d"])
    }
}
