import Foundation
import Testing
@testable import DockerMapLua

// Docker-Map's test maps (tests/__init__.py: MAP_DATA_1, MAP_DATA_1_NEW, MAP_DATA_2, MAP_DATA_3), written as input
// trees in the order Docker-Map's dictionaries give them. Python tuples and lists are lists, dictionaries are
// ordered tables, `None` is `nil`.

/// A table whose keys are not all strings (`{80: 80}`), in the order written.
func table(_ pairs: (InputValue, InputValue)...) -> InputValue {
    .dict(pairs.map { (key: $0.0, value: $0.1) })
}

enum ModelTestData {
    // MARK: MAP_DATA_1

    static let webServer1: InputValue = [
        "image": "nginx:latest",
        "binds": ["/etc/nginx": ["config/nginx", "ro"]],
        "uses": "app_server_socket",
        "attaches": "web_log",
        "links": ["app_server.instance1", "app_server.instance2"],
        "exposes": table((80, 80), (443, 443)),
        "stop_timeout": 5,
    ]

    static let appServer1: InputValue = [
        "image": "app",
        "instances": ["instance1", "instance2"],
        "exposes": [8880],
        "binds": [["app_config": "ro"], "app_data"],
        "attaches": ["app_log", "app_server_socket"],
        "user": 2000,
        "permissions": "u=rwX,g=rX,o=",
    ]

    static let map1: InputValue = [
        "repository": "registry.example.com",
        "default_tag": "custom",
        "host_root": "/var/lib/site",
        "web_server": webServer1,
        "app_server": appServer1,
        "app_extra": ["network_mode": "app_server.instance1"],
        "volumes": [
            "web_log": "/var/log/nginx",
            "app_server_socket": "/var/lib/app/socket",
            "app_config": "/var/lib/app/config",
            "app_log": "/var/lib/app/log",
            "app_data": "/var/lib/app/data",
        ],
        "host": [
            "app_config": ["instance1": "config/app1", "instance2": "config/app2"],
            "app_data": ["instance1": "data/app1", "instance2": "data/app2"],
        ],
    ]

    // MARK: MAP_DATA_1_NEW

    static let webServer1New: InputValue = [
        "image": "nginx:latest",
        "binds": ["/etc/nginx": ["config/nginx", "ro"]],
        "uses": [["app_server_socket", "/var/lib/app/custom/socket"]],
        "attaches": [["web_log", "/var/log/nginx"]],
        "networks": [
            "bridge": nil,
            "app": ["links": [["app_server.instance1", "i1"], ["app_server.instance2", "i2"]]],
        ],
        "exposes": table((80, 80), (443, 443)),
        "stop_timeout": 5,
    ]

    static let appServer1New: InputValue = [
        "image": "app",
        "instances": ["instance1", "instance2"],
        "exposes": [8880],
        "binds": [["app_config": "ro"], "app_data"],
        "networks": "app",
        "attaches": ["app_log", ["app_server_socket", "/var/lib/app/socket"]],
        "user": 2000,
        "permissions": "u=rwX,g=rX,o=",
        "stop_signal": "SIGTERM",
        "stop_timeout": 10,
        "healthcheck": [
            "test": ["curl", "http://localhost/"],
            "interval": "1m",
            "timeout": "1000ms",
            "retries": 3,
            "start_period": "5s",
        ],
    ]

    static let map1New: InputValue = [
        "repository": "registry.example.com",
        "default_tag": "custom",
        "host_root": "/var/lib/site",
        "web_server": webServer1New,
        "app_server": appServer1New,
        "app_extra": ["networks": "app"],
        "networks": ["app": nil],
        "volumes": [
            "app_config": "/var/lib/app/config",
            "app_log": "/var/lib/app/log",
            "app_data": "/var/lib/app/data",
        ],
        "host": [
            "app_config": ["instance1": "config/app1", "instance2": "config/app2"],
            "app_data": ["instance1": "data/app1", "instance2": "data/app2"],
        ],
    ]

    // MARK: MAP_DATA_2

    static let abstractConfig2: InputValue = [
        "abstract": true,
        "image": "server",
        "binds": ["app_config": "ro"],
        "links": [["svc", "svc_alias1"]],
        "uses": "redis.redis_socket",
        "attaches": "app_log",
        "user": "app_user",
        "permissions": "u=rwX,g=rX,o=",
    ]

    static let server2: InputValue = [
        "extends": "abstract_config",
        "binds": ["app_data": "rw"],
        "links": [["svc", "svc_alias2"]],
        "attaches": "server_log",
        "user": "server_user",
        "exposes": table((8443, [8443, "private"])),
        "create_options": ["mem_limit": "1g", "cpu_shares": 15],
        "host_config": ["restart_policy": ["MaximumRetryCount": 3, "Name": "always"]],
    ]

    static let abstractWorker2: InputValue = [
        "abstract": true,
        "extends": "abstract_config",
        "binds": ["app_data": "rw"],
        "create_options": ["entrypoint": "celery"],
        "host_config": ["restart_policy": ["MaximumRetryCount": 0, "Name": "always"]],
    ]

    static let worker2: InputValue = [
        "extends": "abstract_worker",
        "create_options": ["mem_limit": "2g", "cpu_shares": 10, "command": "worker -A MyApp -Q queue1,queue2"],
    ]

    static let workerQ2: InputValue = [
        "extends": "abstract_worker",
        "create_options": ["mem_limit": "1g", "cpu_shares": 30, "command": "worker -A MyApp -Q queue2"],
    ]

    static let redis2: InputValue = [
        "image": "redis",
        "instances": ["queue", "cache"],
        "binds": ["/etc/redis": ["redis/config", "ro"], "/var/lib/redis": "redis/data"],
        "links": "sub_svc",
        "attaches": ["redis_socket", ["redis_log", "/var/log/redis"]],
        "user": "redis",
        "permissions": "u=rwX,g=rX,o=",
        "host_config": ["restart_policy": ["MaximumRetryCount": 0, "Name": "always"]],
    ]

    static let containers2: InputValue = [
        "svc": [:],
        "svc2": [:],
        "sub_svc": ["links": "sub_sub_svc"],
        "sub_sub_svc": [:],
        "net_sub_svc": [:],
        "net_svc": ["networks": [["app_net1", ["links": "net_sub_svc"]]]],
        "abstract_config": abstractConfig2,
        "server": server2,
        "server2": ["extends": "server", "links": ["svc2"]],
        "server3": ["networks": ["app_net1", ["app_net2", "server_x"]]],
        "abstract_worker": abstractWorker2,
        "worker": worker2,
        "worker_q2": workerQ2,
        "redis": redis2,
        "persistent_one": ["persistent": true],
    ]

    static let map2: InputValue = [
        "repository": "registry.example.com",
        "host_root": "/var/lib/site",
        "containers": containers2,
        "volumes": [
            "redis_socket": "/var/run/redis",
            "server_log": "/var/lib/server/log",
            "app_data": "/var/lib/app/data",
            "app_config": "/var/lib/app/config",
            "app_log": "/var/lib/app/log",
        ],
        "host": ["app_data": "app/data", "app_config": "app/config"],
        "networks": ["app_net1": ["driver": "bridge"], "app_net2": nil],
        "groups": ["group1": ["server", "worker", "worker_q2"]],
    ]

    /// MAP_DATA_2 as Docker-Map's TestConfig loads it: `ContainerMap('main', MAP_DATA_2, use_attached_parent_name=True)`.
    static let map2ParentNamed: InputValue = {
        guard case .dict(var entries) = map2 else { return map2 }
        entries.append((key: "use_attached_parent_name", value: true))
        return .dict(entries)
    }()

    // MARK: MAP_DATA_3

    static let map3: InputValue = [
        "repository": "registry.example.com",
        "host_root": "/var/lib/site",
        "containers": [
            "abstract_config": [
                "abstract": true,
                "image": "server",
                "binds": ["/var/lib/web/config": ["web/config", "ro"]],
                "attaches": "web_log",
                "permissions": "u=rwX,g=rX,o=",
            ],
            "server": ["extends": "abstract_config"],
        ],
        "volumes": ["web_log": "/var/lib/web/log"],
    ]

    // MARK: test_dependency_resolution.py

    /// TEST_MAP_DATA, which Docker-Map loads with `check_integrity=False` (its `uses` name containers without shares).
    static let dependencyMap: InputValue = [
        "a": ["uses": ["b", "c"]],
        "b": ["uses": ["dv", "f"], "links": "e.1"],
        "c": [:],
        "d": ["uses": "e", "instances": ["1", "2"], "attaches": "dv"],
        "e": ["instances": ["1", "2"]],
        "f": [:],
        "l": ["links": "e.1"],
        "x": ["uses": ["b", "f"]],
    ]
}

// MARK: - Helpers

/// The problem lines (`path: message`) noted so far.
func problemLines(_ problems: Problems) -> [String] {
    problems.items.map { "\($0.path): \($0.message)" }
}

/// One element of a list property read from `value` at `path`, with the problems it gave.
func parseItem<T: ListElement>(_ type: T.Type, _ value: InputValue, at path: String = "m.containers.c.item[1]")
    -> (T?, [String])
{
    let problems = Problems()
    let item = T.parse(value, InputPath(path), InputReader(problems: problems))
    return (item, problemLines(problems))
}

/// A whole list property read from `value` at `path` (Docker-Map's `…List(value)`), with the problems it gave.
func parseList<T: ListElement>(_ type: T.Type, _ value: InputValue, at path: String = "m.containers.c.items")
    -> ([T], [String])
{
    let problems = Problems()
    let items = T.parseList(value, InputPath(path), InputReader(problems: problems))
    return (items, problemLines(problems))
}

/// A container configuration read from a table at `m.containers.c`, with the properties it sets and its problems.
func parseConfig(_ value: InputValue, at path: String = "m.containers.c") -> (ContainerConfig, Set<String>, [String]) {
    let problems = Problems()
    let (config, present) = ContainerConfig.parse(value, InputPath(path), InputReader(problems: problems))
    return (config, present, problemLines(problems))
}

/// The `problems` of the `config` error `ContainerMap.parse` throws for `value`; empty if the map is accepted.
func mapProblems(_ value: InputValue, name: String = "m") -> [String] {
    do {
        _ = try ContainerMap.parse(name: name, value)
        return []
    } catch let error as DMapError {
        #expect(error.kind == .config)
        return error.problems
    } catch {
        Issue.record("unexpected error \(error)")
        return []
    }
}

/// The `config` error `ContainerMap.parse` throws for `value`, if any.
func mapError(_ value: InputValue, name: String = "m") -> DMapError? {
    do {
        _ = try ContainerMap.parse(name: name, value)
        return nil
    } catch {
        return error as? DMapError
    }
}

/// A map read without the whole-map checks (Docker-Map's `check_integrity=False`); its input problems are expected
/// to be none.
func uncheckedMap(name: String, _ value: InputValue) -> ContainerMap {
    let problems = Problems()
    var map = ContainerMap(name: name)
    map.apply(value, merging: false, listsOnly: false, InputReader(problems: problems))
    #expect(problemLines(problems) == [])
    return map
}

/// A value with every function in it called (as Python's `lazy == value` compares the resolved value).
func resolvedDeep(_ value: InputValue?) -> InputValue? {
    guard let value else { return nil }
    switch value {
    case .lazy(let lazy): return resolvedDeep(try? lazy.resolve())
    case .list(let items): return .list(items.map { resolvedDeep($0) ?? .null })
    case .dict(let entries): return .dict(entries.map { (key: $0.key, value: resolvedDeep($0.value) ?? .null) })
    default: return value
    }
}

/// Two tables with the same entries, whatever their order (Python's dict equality).
func sameEntries(_ a: InputValue, _ b: InputValue) -> Bool {
    guard let x = a.plainValue, let y = b.plainValue else { return false }
    return x == y
}

/// A function value (as a Lua function in a map) that counts how often it is called.
final class CountingLazy: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private(set) var value: LazyValue!

    init(_ label: String, once: Bool = false, _ result: InputValue) {
        value = LazyValue(label: label, once: once) { [self] in
            lock.withLock { count += 1 }
            return result
        }
    }

    var calls: Int { lock.withLock { count } }
    var input: InputValue { .lazy(value) }
}

/// Shorthands for the items `DependencyGraph` lists.
func container(_ map: String, _ config: String, _ instance: String? = nil) -> MapItem {
    MapItem(.container, map: map, config: config, instance: instance)
}

func volume(_ map: String, _ parent: String, _ alias: String) -> MapItem {
    MapItem(.volume, map: map, config: parent, instance: alias)
}

func network(_ map: String, _ name: String) -> MapItem { MapItem(.network, map: map, config: name) }

func image(_ map: String, _ repository: String, _ tag: String = "latest") -> MapItem {
    MapItem(.image, map: map, config: repository, instance: tag)
}
