import Foundation
import NIOConcurrencyHelpers
import Testing
@testable import DockerMapLua

/// `HOME=/home/u`, `X=1`; the user `bob` lives in `/users/bob`.
private let testExpansion = PathExpansion(environment: ["HOME": "/home/u", "X": "1"]) { user in
    user == "bob" ? "/users/bob" : nil
}

private func parse(_ text: String, expansion: PathExpansion = testExpansion) throws -> InputValue {
    try YAMLInput.parse(text, source: "t.yaml", expansion: expansion)
}

/// The message of the `config` error that parsing `text` throws (`nil` when it parses).
private func configError(_ text: String) -> String? {
    do {
        _ = try parse(text)
        return nil
    } catch let error as DMapError {
        #expect(error.kind == .config)
        return error.message
    } catch {
        return "unexpected: \(error)"
    }
}

/// The keys of a mapping, in order.
private func keys(_ value: InputValue?) -> [InputValue] {
    guard case .dict(let entries)? = value else { return [] }
    return entries.map(\.key)
}

@Suite("ModelYAML: YAML 1.1 scalars as PyYAML's safe_load reads them")
struct ModelYAMLScalarTests {
    /// Each plain scalar and what `yaml.safe_load` (PyYAML 6.0.3) gives for it.
    static let table: [(String, InputValue)] = [
        ("~", nil), ("null", nil), ("Null", nil), ("NULL", nil), ("", nil), ("nULL", "nULL"),
        ("true", true), ("True", true), ("TRUE", true), ("tRue", "tRue"), ("false", false), ("False", false),
        ("FALSE", false), ("yes", true), ("Yes", true), ("YES", true), ("no", false), ("No", false), ("NO", false),
        ("on", true), ("On", true), ("ON", true), ("off", false), ("Off", false), ("OFF", false),
        ("y", "y"), ("n", "n"), ("Y", "Y"), ("N", "N"),
        ("0", 0), ("-0", 0), ("+0", 0), ("12", 12), ("+12", 12), ("-12", -12), ("1_000", 1000), ("1__2", 12),
        ("0_", 0), ("0x1F", 31), ("0x_1f", 31), ("-0x10", -16), ("017", 15), ("00", 0), ("0o17", "0o17"),
        ("08", "08"), ("0b101", 5), ("-0b11", -3), ("0b1_0", 2), ("0x", "0x"), ("0xg", "0xg"),
        ("1:30", 90), ("-1:30", -90), ("190:20:30", 685_230), ("1:60", "1:60"), ("01:30", "01:30"),
        ("9223372036854775807", .int(.max)), ("-9223372036854775808", .int(.min)),
        ("1e3", "1e3"), ("1E3", "1E3"), ("1.0e3", "1.0e3"), ("1.0e+3", .double(1000)), ("1.e+3", .double(1000)),
        ("1.5", .double(1.5)), ("-1.5", .double(-1.5)), ("+1.5", .double(1.5)), (".5", .double(0.5)),
        ("1.", .double(1)), ("1_0.5", .double(10.5)), ("0.1_", .double(0.1)), ("1:30.5", .double(90.5)),
        ("190:20:30.15", .double(685_230.15)), (".inf", .double(.infinity)), ("-.inf", .double(-.infinity)),
        ("+.inf", .double(.infinity)), (".Inf", .double(.infinity)), (".INF", .double(.infinity)),
        ("-.nan", "-.nan"), ("inf", "inf"), ("nan", "nan"), ("._1", "._1"), ("._", "._"), (".", "."), ("+", "+"),
        ("1.2.3", "1.2.3"), ("3.0.1", "3.0.1"), ("123abc", "123abc"), ("1 2", "1 2"), ("a:b", "a:b"),
        ("'12'", "12"), ("\"true\"", "true"), ("'~'", "~"), ("\"\"", ""), ("!!str 12", "12"), ("!!int \"12\"", 12),
        ("!!float 1", .double(1)), ("!!float 1e3", .double(1000)), ("!!bool yEs", true), ("!!null x", nil),
        ("! 12", 12), ("!!int 017", 15), ("|\n  12\n", "12\n"), (">\n  a\n  b\n", "a b\n"),
        // Timestamps stay text (PyYAML makes dates).
        ("2001-12-14", "2001-12-14"), ("2001-12-14 21:59:43.10 -5", "2001-12-14 21:59:43.10 -5"),
    ]

    @Test("Plain, quoted and explicitly tagged scalars", arguments: table.indices)
    func scalar(_ index: Int) throws {
        let (text, expected) = Self.table[index]
        let value = try parse("v: \(text)")["v"]
        #expect(value == expected, "v: \(text)")
        // 1 and 1.0 compare equal; the type must match too.
        #expect(value?.typeName == expected.typeName)
        if case .double = expected { #expect(value.map { if case .double = $0 { true } else { false } } == true) }
    }

    @Test("NaN in its spellings; '-.nan' is text")
    func nan() throws {
        for text in [".nan", ".NaN", ".NAN"] {
            guard case .double(let d)? = try parse("v: \(text)")["v"] else {
                Issue.record("\(text) is not a float")
                continue
            }
            #expect(d.isNaN)
        }
    }

    @Test("Values that do not fit: '=' and '<<' as values, a bad explicit type, an integer out of range")
    func badScalars() {
        #expect(configError("a: =")?.hasPrefix("t.yaml:1:4: '=' is a mapping key only") == true)
        #expect(configError("a: <<")?.hasPrefix("t.yaml:1:4: '<<' merges only as a mapping key") == true)
        #expect(configError("a: !!int x") == "t.yaml:1:4: 'x' is not an integer, or is out of range")
        #expect(configError("a: !!bool maybe") == "t.yaml:1:4: 'maybe' is not a boolean")
        #expect(configError("a: !!float abc") == "t.yaml:1:4: 'abc' is not a number")
        #expect(configError("a: 9223372036854775808")?.contains("out of range") == true)
        #expect(configError("a: !!binary aGVsbG8=") == "t.yaml:1:4: the YAML type !!binary is not supported in a map")
        #expect(configError("a: !!map x") == "t.yaml:1:4: !!map does not fit this node")
        // '=' as a key is text, as in PyYAML.
        #expect(keys(try? parse("=: 1")) == ["="])
    }
}

@Suite("ModelYAML: mappings, keys, anchors and merges")
struct ModelYAMLStructureTests {
    @Test("Mappings keep the document's order; the empty document is null; lists nest")
    func order() throws {
        let value = try parse("zeta: 1\nalpha: 2\nmid: [a, {y: 1, x: 2}]\nbeta:\n")
        #expect(keys(value) == ["zeta", "alpha", "mid", "beta"])
        #expect(value["mid"] == ["a", ["y": 1, "x": 2]])
        #expect(keys(value["mid"].flatMap { if case .list(let l) = $0 { l[1] } else { nil } }) == ["y", "x"])
        #expect(value["beta"] == .null)
        #expect(try parse("") == .null)
        #expect(try parse("# only a comment\n") == .null)
        #expect(try parse("[1, two]") == [1, "two"])
    }

    @Test("Keys keep their type, and Python's dict decides which keys are one")
    func keyTypes() throws {
        let value = try parse("80: 80\n443/tcp: 443\n1.5: d\n~: e\n\"8080\": f\nyes: g")
        #expect(keys(value) == [.int(80), "443/tcp", .double(1.5), .null, "8080", .bool(true)])
        // PyYAML: {1: 'c', 2: 'b'}: true and 1 are one key, the first key stays, the last value wins.
        let merged = try parse("{<<: {1: a, 0x2: b}, true: c}")
        #expect(keys(merged) == [.int(1), .int(2)])
        #expect(merged == .dict([(key: .int(1), value: "c"), (key: .int(2), value: "b")]))
    }

    @Test("A key given twice in one mapping is an error (PyYAML would keep the last)")
    func duplicateKeys() {
        #expect(configError("a: 1\nb: 2\na: 3")?.hasPrefix("t.yaml:1:1: a key is given more than once") == true)
        #expect(configError("1: a\n0x1: b") == "t.yaml:2:1: the key '1' is given more than once in this mapping")
        #expect(configError("[1]: a")?.hasPrefix("t.yaml:1:1: a mapping key must be a scalar, not a list") == true)
        #expect(configError("{a: 1}: a")?.contains("not a mapping") == true)
    }

    @Test("Anchors and aliases give the same values")
    func aliases() throws {
        let value = try parse("a: &x [1, 2]\nb: *x\nc: &s hello\nd: {*s : 1}\ne: &n 5\nf: [*n, *s]")
        #expect(value["b"] == [1, 2])
        #expect(value["d"] == ["hello": 1])
        #expect(value["f"] == [5, "hello"])
        #expect(configError("a: *nope") == "t.yaml:1:4: found undefined alias")
    }

    @Test("Merge keys as PyYAML flattens them (verified with PyYAML)")
    func merges() throws {
        let value = try parse(
            """
            base: &b {a: 1, b: 1}
            other: &o {b: 2, c: 2}
            m1: {<<: *b, b: 3}
            m2: {<<: [*b, *o], d: 4}
            m3:
              <<: {<<: *o, e: 5}
              f: 6
            """)
        // {'a': 1, 'b': 3}
        #expect(value["m1"] == ["a": 1, "b": 3])
        // {'b': 1, 'c': 2, 'a': 1, 'd': 4}: the later mapping's entries first, the earlier overriding in place.
        #expect(value["m2"] == ["b": 1, "c": 2, "a": 1, "d": 4])
        #expect(value["m3"] == ["b": 2, "c": 2, "e": 5, "f": 6])
        #expect(configError("<<: 1") == "t.yaml:1:5: '<<' merges a mapping or a list of mappings, not a scalar")
        #expect(configError("<<: [{a: 1}, 2]") == "t.yaml:1:14: a '<<' list must hold mappings only, not a scalar")
        // A quoted '<<' is an ordinary key.
        #expect(keys(try parse("'<<': 1")) == ["<<"])
    }
}

@Suite("ModelYAML: !path and !path_lazy")
struct ModelYAMLPathTests {
    @Test("!path on a scalar expands variables, then the user, at load time; it takes the text as written")
    func scalar() throws {
        let value = try parse(
            """
            a: !path ~/x
            b: !path $X/${X}/$NOPE
            c: !path ~bob/data
            d: !path ~
            e: !path 123
            f: !path
            g: !path '$HOME/q'
            """)
        #expect(value == ["a": "/home/u/x", "b": "1/1/$NOPE", "c": "/users/bob/data", "d": "/home/u", "e": "123",
                          "f": "", "g": "/home/u/q"])
    }

    @Test("!path on a list or mapping expands each first-level item or value, not the keys")
    func collections() throws {
        let value = try parse(
            """
            l: !path [~/x, $X, "~bob"]
            m: !path
              ~/k: ~/v
              x: $X/y
            """)
        #expect(value["l"] == ["/home/u/x", "1", "/users/bob"])
        #expect(value["m"] == ["~/k": "/home/u/v", "x": "1/y"])
    }

    @Test("A nested list or mapping under !path needs its own tag; a non-text item is an error")
    func nested() throws {
        #expect(
            configError("a: !path\n  b: [~/x]\n")
                == "t.yaml:2:6: !path expands the text of each item, and this item is a list"
                + " (give it its own !path tag)")
        #expect(configError("a: !path_lazy\n  - x\n  - {b: c}\n")?.hasPrefix("t.yaml:3:5: !path_lazy expands") == true)
        #expect(configError("a: !path [~/x, 8080]")?.hasSuffix("this item is a number (quote it)") == true)
        #expect(configError("a: !path {b: }")?.hasSuffix("this item is an empty value (quote it)") == true)
        // With its own tag, a nested collection is expanded once, by that tag (Docker-Map's documented example).
        let value = try parse("host: !path\n  web: $X/nginx\n  app: !path\n    i1: $X/app1\n  one: !path $X\n")
        #expect(value["host"] == ["web": "1/nginx", "app": ["i1": "1/app1"], "one": "1"])
    }

    @Test("!path_lazy is lazy, expands when first resolved, and only once")
    func lazy() throws {
        let calls = NIOLockedValueBox(0)
        let counting = PathExpansion(environment: ["HOME": "/home/u"]) { user in
            calls.withLockedValue { $0 += 1 }
            return user == "bob" ? "/users/bob" : nil
        }
        let value = try parse("a: &a !path_lazy ~bob/x\nb: !path_lazy [~bob/y, $HOME]\nc: *a\n", expansion: counting)
        #expect(calls.withLockedValue { $0 } == 0)
        guard case .lazy(let a)? = value["a"], case .list(let items)? = value["b"], items.count == 2,
            case .lazy(let b0) = items[0], case .lazy(let b1) = items[1]
        else {
            Issue.record("not lazy: \(String(describing: value))")
            return
        }
        #expect(a.label == "!path_lazy ~bob/x")
        #expect(b1.label == "!path_lazy $HOME")
        #expect(try a.resolve() == "/users/bob/x")
        #expect(calls.withLockedValue { $0 } == 1)
        #expect(try a.resolve() == "/users/bob/x")
        #expect(calls.withLockedValue { $0 } == 1)
        #expect(try b0.resolve() == "/users/bob/y")
        #expect(try b1.resolve() == "/home/u")
        // An alias of a lazy value is the same lazy value, as in PyYAML.
        #expect(value["c"] == value["a"])
    }
}

@Suite("ModelYAML: errors")
struct ModelYAMLErrorTests {
    @Test("Unknown tags are named with their place")
    func unknownTag() {
        #expect(configError("a:\n  b: !foo 1") == "t.yaml:2:6: unknown tag !foo (known: !path, !path_lazy)")
        #expect(configError("a: !pathx [1]")?.hasPrefix("t.yaml:1:4: unknown tag !pathx") == true)
    }

    @Test("Syntax errors give source, line and column")
    func syntax() {
        #expect(
            configError("a: [1, 2\nb: 3")
                == "t.yaml:2:2: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)")
        #expect(configError("a: b: c") == "t.yaml:1:5: mapping values are not allowed in this context")
        #expect(configError("a: 'x")?.hasPrefix("t.yaml:1:6: found unexpected end of stream") == true)
        #expect(
            configError("--- 1\n--- 2")
                == "t.yaml:2:1: expected a single document in the stream, but found another document")
    }
}

@Suite("ModelYAML: map and clients documents")
struct ModelYAMLDocumentTests {
    @Test("The map name: explicit, '' for the file's stem, else the root 'name' key, which is always left out")
    func mapName() throws {
        let root = try parse("name: from_key\nweb: {image: nginx}\n")
        let body: InputValue = ["web": ["image": "nginx"]]
        #expect(try MapDocument.mapDocument(root, name: "given", fileStem: "stem") == ("given", body))
        #expect(try MapDocument.mapDocument(root, name: "", fileStem: "stem") == ("stem", body))
        #expect(try MapDocument.mapDocument(root, name: nil, fileStem: "stem") == ("from_key", body))
        // '' without a stem (YAML text) falls back to the key, as Docker-Map's `name or map_dict.pop('name')`.
        #expect(try MapDocument.mapDocument(root, name: "", fileStem: nil) == ("from_key", body))
        let unnamed = try parse("web: {image: nginx}\n")
        #expect(try MapDocument.mapDocument(unnamed, name: "", fileStem: "stem") == ("stem", body))
    }

    @Test("No name, a name that is not text, and a root that is not a mapping are errors")
    func mapErrors() throws {
        func message(_ root: InputValue, name: String? = nil) -> String? {
            do {
                _ = try MapDocument.mapDocument(root, name: name, fileStem: nil, source: "m.yaml")
                return nil
            } catch let error as DMapError {
                #expect(error.kind == .config)
                return error.message
            } catch {
                return "unexpected: \(error)"
            }
        }
        let noName = "m.yaml: no map name given, and the document has no 'name' key"
        #expect(message(try parse("web: {}")) == noName)
        #expect(message(try parse("name: ''\nweb: {}")) == noName)
        #expect(message(try parse("web: {}"), name: "") == noName)
        let notText = "m.yaml: the document's 'name' must be a string (found a number)"
        #expect(message(try parse("name: 12\nweb: {}")) == notText)
        #expect(message(try parse("- a\n- b")) == "m.yaml: a map must be a YAML mapping (found a list)")
        #expect(message(try parse("")) == "m.yaml: a map must be a YAML mapping (found nothing)")
        #expect(message(try parse("just text")) == "m.yaml: a map must be a YAML mapping (found a string)")
    }

    @Test("Clients: a mapping of names to settings, in order; nothing means all defaults")
    func clients() throws {
        let clients = try MapDocument.clientsDocument(
            try parse("web1: {base_url: unix:///a.sock}\napps1:\n  base_url: tcp://h:2375\nlocal:\n7: {}\n"))
        #expect(clients.map(\.name) == ["web1", "apps1", "local", "7"])
        #expect(clients[1].body == ["base_url": "tcp://h:2375"])
        #expect(clients[2].body == .dict([]))
        #expect(throws: DMapError.self) { try MapDocument.clientsDocument(try parse("- a")) }
        #expect(throws: DMapError.self) { try MapDocument.clientsDocument(.null) }
        do {
            _ = try MapDocument.clientsDocument(try parse("web1: tcp://h"), source: "c.yaml")
            Issue.record("no error")
        } catch let error as DMapError {
            #expect(error.message == "c.yaml: client 'web1' must be a mapping of settings (found a string)")
            #expect(error.client == "web1")
        }
    }

    @Test("source(pathOrText:): a file, YAML text, a missing path, a directory, text that is not UTF-8")
    func source() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dmap-yaml-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/web.map.yaml"
        try "name: web\n".write(toFile: file, atomically: true, encoding: .utf8)
        let read = try MapDocument.source(pathOrText: file)
        #expect(read.text == "name: web\n" && read.source == file && read.fileStem == "web.map")
        try "a: 1\n".write(toFile: dir + "/plain", atomically: true, encoding: .utf8)
        #expect(try MapDocument.source(pathOrText: dir + "/plain").fileStem == "plain")

        let text = try MapDocument.source(pathOrText: "web: {image: nginx}")
        #expect(text.text == "web: {image: nginx}" && text.source == "<yaml>" && text.fileStem == nil)
        #expect(try MapDocument.source(pathOrText: "- a\n- b").source == "<yaml>")

        func message(_ pathOrText: String) -> String? {
            do {
                _ = try MapDocument.source(pathOrText: pathOrText)
                return nil
            } catch let error as DMapError {
                #expect(error.kind == .config)
                return error.message
            } catch {
                return "unexpected: \(error)"
            }
        }
        #expect(message(dir + "/missing.yaml") == "no such file: \(dir)/missing.yaml")
        #expect(message(dir) == "cannot read \(dir): it is a directory")
        _ = FileManager.default.createFile(atPath: dir + "/latin1.yaml", contents: Data([0x61, 0x3A, 0x20, 0xE9, 0x0A]))
        #expect(message(dir + "/latin1.yaml") == "cannot read \(dir)/latin1.yaml: it is not UTF-8 text")
    }

    @Test("Docker-Map's documentation example (docs/guide/containers/yaml.rst) reads as Docker-Map reads it")
    func documentationExample() throws {
        let root = try parse(
            """
            repository: registry.example.com
            host_root: /var/lib/site
            web_server:
              image: nginx
              binds:
                /etc/nginx:
                - config/nginx
                - ro
              uses: app_server_socket
              attaches: web_log
              exposes:
                80: 80
                443: 443
            app_server:
              image: app
              instances:
              - instance1
              - instance2
              binds:
              - app_config: ro
              - app_data:
              attaches:
              - app_log
              - app_server_socket
              user: 2000
              permissions: u=rwX,g=rX,o=
            volumes:
              web_log: /var/log/nginx
              app_server_socket: /var/lib/app/socket
              app_config: /var/lib/app/config
              app_log: /var/lib/app/log
              app_data: /var/lib/app/data
            host:
              app_config:
                instance1: config/app1
                instance2: config/app2
              app_data:
                instance1: data/app1
                instance2: data/app2
            """)
        let (name, body) = try MapDocument.mapDocument(root, name: "", fileStem: "example_map")
        #expect(name == "example_map")
        #expect(keys(body) == ["repository", "host_root", "web_server", "app_server", "volumes", "host"])
        #expect(body["web_server"]?["binds"] == ["/etc/nginx": ["config/nginx", "ro"]])
        #expect(keys(body["web_server"]?["exposes"]) == [.int(80), .int(443)])
        #expect(body["app_server"]?["binds"] == [["app_config": "ro"], ["app_data": nil]])
        #expect(body["app_server"]?["user"] == .int(2000))
        #expect(body["app_server"]?["permissions"] == "u=rwX,g=rX,o=")
        #expect(body["host"]?["app_data"]?["instance2"] == "data/app2")

        let exec = try parse("exec_commands:\n- [['/bin/bash', '-c', 'script.sh'], 'root']\n")
        let execBlock = try parse("exec_commands:\n-\n  -\n    - /bin/bash\n    - -c\n    - script.sh\n  - root\n")
        #expect(exec == execBlock)
        #expect(exec["exec_commands"] == [[["/bin/bash", "-c", "script.sh"], "root"]])

        let clients = try MapDocument.clientsDocument(
            try parse(
                """
                apps1:
                  base_url: apps1_host
                  interfaces:
                    private: 10.x.x.11
                web1:
                  base_url: web1_host
                  interfaces:
                    private: 10.x.x.21
                    public: 178.x.x.x
                """))
        #expect(clients.map(\.name) == ["apps1", "web1"])
        #expect(clients[1].body["interfaces"] == ["private": "10.x.x.21", "public": "178.x.x.x"])

        let paths = try parse(
            "host_root: !path $SITE_ROOT\nhost: !path\n  web_config: $CONFIG_PATH/nginx\n  app_config: !path\n"
                + "    instance1: $CONFIG_PATH/app1\n    instance2: $CONFIG_PATH/app2\n",
            expansion: PathExpansion(environment: ["SITE_ROOT": "/srv/site", "CONFIG_PATH": "/etc/site"]))
        #expect(paths["host_root"] == "/srv/site")
        #expect(
            paths["host"] == [
                "web_config": "/etc/site/nginx",
                "app_config": ["instance1": "/etc/site/app1", "instance2": "/etc/site/app2"],
            ])
    }
}
