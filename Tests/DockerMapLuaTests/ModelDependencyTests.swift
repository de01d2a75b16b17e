import Testing
@testable import DockerMapLua

// Docker-Map's tests/test_dependency_resolution.py (ContainerDependencyTest, forward resolution) and the verified
// MAP_DATA_2 order of dockermap-features.md §8.2, plus the direct-dependency rules of §8.1 and cycle detection.

@Suite("Model: dependency resolution (test_dependency_resolution.py)")
struct ModelDependencyTests {
    /// Asserts that `items` appear in `list` in this order (Docker-Map's `assertOrder`).
    func expectOrder(_ list: [MapItem], _ items: MapItem..., sourceLocation: SourceLocation = #_sourceLocation) {
        var last = -1
        for item in items {
            guard let index = list.firstIndex(of: item) else {
                Issue.record("\(item) is missing", sourceLocation: sourceLocation)
                return
            }
            #expect(index > last, "\(item) found before the item listed ahead of it", sourceLocation: sourceLocation)
            last = index
        }
    }

    // MARK: TEST_MAP_DATA (read with check_integrity=False, as in Docker-Map)

    @Test("Forward resolution of TEST_MAP_DATA keeps every dependency before its dependent")
    func forwardResolutionOrder() throws {
        let graph = DependencyGraph(uncheckedMap(name: "test_map", ModelTestData.dependencyMap))
        let m = "test_map"
        let aDep = try graph.resolved("a", withImages: true)
        expectOrder(aDep, volume(m, "d", "dv"), container(m, "d", "1"), container(m, "d", "2"), container(m, "b"))
        expectOrder(aDep, container(m, "e", "1"), container(m, "e", "2"), container(m, "d", "1"), container(m, "d", "2"))
        expectOrder(aDep, container(m, "e", "1"), container(m, "e", "2"), container(m, "b"))
        expectOrder(aDep, container(m, "f"), container(m, "b"))

        #expect(try graph.resolved("l", withImages: true) == [image(m, "e"), container(m, "e", "1"), image(m, "l")])

        let xDep = try graph.resolved("x", withImages: true)
        expectOrder(xDep, container(m, "f"), container(m, "b"))
    }

    @Test("The whole order for 'a': each dependency's own dependencies first, each item once")
    func forwardResolutionExact() throws {
        let graph = DependencyGraph(uncheckedMap(name: "test_map", ModelTestData.dependencyMap))
        let m = "test_map"
        #expect(try graph.resolved("a", withImages: true) == [
            image(m, "e"), container(m, "e", "1"), container(m, "e", "2"), volume(m, "d", "dv"), image(m, "d"),
            image(m, "f"), container(m, "d", "1"), container(m, "d", "2"), container(m, "f"), image(m, "b"),
            image(m, "c"), container(m, "b"), container(m, "c"), image(m, "a"),
        ])
        #expect(try graph.resolved("a") == [
            container(m, "e", "1"), container(m, "e", "2"), volume(m, "d", "dv"), container(m, "d", "1"),
            container(m, "d", "2"), container(m, "f"), container(m, "b"), container(m, "c"),
        ])
    }

    @Test("uses of an attached alias means every instance of the configuration that attaches it")
    func usesAttachedAlias() throws {
        let graph = DependencyGraph(uncheckedMap(name: "test_map", ModelTestData.dependencyMap))
        #expect(try graph.direct("b") == [
            container("test_map", "d", "1"), container("test_map", "d", "2"), container("test_map", "f"),
            container("test_map", "e", "1"),
        ])
        #expect(try graph.direct("d") == [
            container("test_map", "e", "1"), container("test_map", "e", "2"), volume("test_map", "d", "dv"),
        ])
    }

    // MARK: MAP_DATA_2 (use_attached_parent_name, as TestConfig and the state tests read it)

    @Test("server of MAP_DATA_2 resolves to Docker-Map's verified order (features §8.2)")
    func map2Server() throws {
        let map = try ContainerMap.parse(name: "main", ModelTestData.map2ParentNamed)
        let graph = DependencyGraph(map)
        let m = "main"
        let r = "registry.example.com"
        #expect(try graph.resolved("server", withImages: true) == [
            image(m, "\(r)/sub_sub_svc"), container(m, "sub_sub_svc"),
            image(m, "\(r)/sub_svc"), container(m, "sub_svc"),
            volume(m, "redis", "redis_socket"), volume(m, "redis", "redis_log"),
            image(m, "\(r)/redis"), image(m, "\(r)/svc"),
            container(m, "redis", "queue"), container(m, "redis", "cache"), container(m, "svc"),
            volume(m, "server", "app_log"), volume(m, "server", "server_log"),
            image(m, "\(r)/server"),
        ])
        #expect(try graph.resolved("server").map(graph.dockerName) == [
            "main.sub_sub_svc", "main.sub_svc", "main.redis.redis_socket", "main.redis.redis_log", "main.redis.queue",
            "main.redis.cache", "main.svc", "main.server.app_log", "main.server.server_log",
        ])
    }

    @Test("Direct dependencies of MAP_DATA_2 configurations, in Docker-Map's order")
    func map2Direct() throws {
        let graph = DependencyGraph(try ContainerMap.parse(name: "main", ModelTestData.map2ParentNamed))
        let m = "main"
        #expect(try graph.direct("server") == [
            container(m, "redis", "queue"), container(m, "redis", "cache"), container(m, "svc"),
            volume(m, "server", "app_log"), volume(m, "server", "server_log"),
        ])
        #expect(try graph.direct("server2") == [
            container(m, "redis", "queue"), container(m, "redis", "cache"), container(m, "svc"), container(m, "svc2"),
            volume(m, "server2", "app_log"), volume(m, "server2", "server_log"),
        ])
        #expect(try graph.direct("net_svc", withImage: true) == [
            network(m, "app_net1"), container(m, "net_sub_svc"), image(m, "registry.example.com/net_svc"),
        ])
        #expect(try graph.resolved("net_svc", withImages: true) == [
            image(m, "registry.example.com/net_sub_svc"), network(m, "app_net1"), container(m, "net_sub_svc"),
            image(m, "registry.example.com/net_svc"),
        ])
        #expect(try graph.direct("server3") == [network(m, "app_net1"), network(m, "app_net2")])
        #expect(try graph.direct("worker") == [
            container(m, "redis", "queue"), container(m, "redis", "cache"), container(m, "svc"),
            volume(m, "worker", "app_log"),
        ])
        #expect(try graph.direct("abstract_config") == [], "abstract configurations are not in the graph")
        #expect(graph.cycles() == [])
    }

    @Test("MAP_DATA_1: a network-mode container, links to instances, and uses of an alias without parent naming")
    func map1() throws {
        let map = try ContainerMap.parse(name: "main", ModelTestData.map1)
        let graph = DependencyGraph(map)
        let m = "main"
        let r = "registry.example.com"
        #expect(try graph.direct("app_extra") == [container(m, "app_server", "instance1")])
        #expect(try graph.resolved("web_server", withImages: true) == [
            volume(m, "app_server", "app_log"), volume(m, "app_server", "app_server_socket"), image(m, "\(r)/app", "custom"), container(m, "app_server", "instance1"),
            container(m, "app_server", "instance2"), volume(m, "web_server", "web_log"), image(m, "\(r)/nginx", "latest"),
        ])
        #expect(graph.dockerName(volume(m, "web_server", "web_log")) == "main.web_log")
        #expect(graph.dockerName(image(m, "\(r)/nginx")) == "\(r)/nginx:latest")
        #expect(graph.dockerName(network(m, "app")) == "main.app")
        #expect(graph.dockerName(container(m, "app_server", "instance1")) == "main.app_server.instance1")
    }

    @Test("With parent naming, parent.instance means that instance and parent.alias every instance")
    func usesWithParentNaming() throws {
        let map = try ContainerMap.parse(name: "m", [
            "use_attached_parent_name": true,
            "volumes": ["data": "/data"],
            "db": ["instances": ["one", "two"], "attaches": "data", "shares": "/x"],
            "app": ["uses": ["db.data", "db.one"]],
        ])
        let graph = DependencyGraph(map)
        #expect(try graph.direct("app") == [container("m", "db", "one"), container("m", "db", "two")])
        #expect(graph.dockerName(volume("m", "db", "data")) == "m.db.data")
    }

    @Test("A network mode naming an instance depends on that instance only")
    func networkModeInstance() throws {
        let map = try ContainerMap.parse(name: "m", [
            "db": ["instances": ["one", "two"]],
            "app": ["network_mode": "db.two"],
            "tool": ["network_mode": ["db", "one"]],
        ])
        let graph = DependencyGraph(map)
        #expect(try graph.direct("app") == [container("m", "db", "two")])
        #expect(try graph.direct("tool") == [container("m", "db", "one")])
    }

    // MARK: cycles (Docker-Map catches only a direct self-reference; features §8.2, Q31)

    static let cyclesCases: [(InputValue, [[String]])] = [
        (["a": ["links": "a"]] as InputValue, [["a", "a"]]),
        (["a": ["links": "b"], "b": ["links": "a"]], [["a", "b", "a"]]),
        (["a": ["links": "b"], "b": ["links": "c"], "c": ["links": "a"]], [["a", "b", "c", "a"]]),
        (["a": ["network_mode": "b"], "b": ["networks": [["n", ["links": "a"]]]]], [["a", "b", "a"]]),
    ]

    @Test("Cycles of any length are found, each once, as the configurations along them", arguments: cyclesCases)
    func cycles(input: InputValue, expected: [[String]]) throws {
        let graph = DependencyGraph(uncheckedMap(name: "m", input))
        #expect(graph.cycles() == expected)
        let error = try #require(throws: DMapError.self) { try graph.resolved("a") }
        #expect(error.kind == .cycle)
        #expect(error.message == "dependency cycle: " + expected[0].joined(separator: " -> "))
    }
}
