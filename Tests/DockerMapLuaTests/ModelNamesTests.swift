import Testing
@testable import DockerMapLua

// Docker object names a map gives (Docker-Map's cname, aname, nname, get_hostname) and image references
// (get_image, dockermap-features.md §4.3), and lazy values resolved only where an image name is needed.

@Suite("Model: names and image references")
struct ModelNamesTests {
    // MARK: image references (features §4.3, the table from Docker-Map's docs, config name app-server)

    static let imageTableCases: [(String?, String?, String?, String)] = [
        (nil, nil, nil, "app-server:latest"),
        ("image1", nil, nil, "image1:latest"),
        (nil, "registry.example.com", nil, "registry.example.com/app-server:latest"),
        ("image1", "registry.example.com", "devel", "registry.example.com/image1:devel"),
        ("/image1", "registry.example.com", "devel", "image1:devel"),
        ("image1:one", "registry.example.com", "devel", "registry.example.com/image1:one"),
        ("/image1:two", "registry.example.com", "devel", "image1:two"),
        // a name with a slash stays as it is
        ("team/image1", "registry.example.com", "devel", "team/image1:devel"),
        ("team/image1:3", "registry.example.com", nil, "team/image1:3"),
        // a registry port is not a tag (Docker-Map splits `host:5000/img` at the port colon)
        ("host:5000/img", nil, nil, "host:5000/img:latest"),
        ("host:5000/img", "registry.example.com", "devel", "host:5000/img:devel"),
        ("host:5000/img:1.0", nil, nil, "host:5000/img:1.0"),
    ]

    @Test("Image names follow Docker-Map's table", arguments: imageTableCases)
    func imageTable(image: String?, repository: String?, defaultTag: String?, expected: String) throws {
        var data: [(key: InputValue, value: InputValue)] = [
            (key: "app-server", value: image.map { ["image": .string($0)] } ?? [:]),
        ]
        if let repository { data.append((key: "repository", value: .string(repository))) }
        if let defaultTag { data.append((key: "default_tag", value: .string(defaultTag))) }
        let map = try ContainerMap.parse(name: "m", .dict(data))
        #expect(try map.image(of: "app-server") == expected)
        // The image item of the dependency graph names the same image.
        let graph = DependencyGraph(map)
        let item = try #require(try graph.direct("app-server", withImage: true).last)
        #expect(item.kind == .image)
        #expect(graph.dockerName(item) == expected)
    }

    @Test("A digest reference is left as it is")
    func digest() throws {
        let map = try ContainerMap.parse(name: "m", ["repository": "reg", "app": ["image": "img@sha256:abcd"]])
        #expect(try map.imageReference("img@sha256:abcd") == ("reg/img", "@sha256:abcd"))
        #expect(try map.image(of: "app") == "reg/img@sha256:abcd")
        let graph = DependencyGraph(map)
        let item = try #require(try graph.direct("app", withImage: true).last)
        #expect(item == image("m", "reg/img", "@sha256:abcd"))
        #expect(graph.dockerName(item) == "reg/img@sha256:abcd")
    }

    @Test("imageReference splits a reference into repository and tag")
    func imageReference() throws {
        let map = try ContainerMap.parse(name: "m", ["repository": "reg.example.com", "default_tag": "devel"])
        #expect(try map.imageReference("app") == ("reg.example.com/app", "devel"))
        #expect(try map.imageReference("app:1") == ("reg.example.com/app", "1"))
        #expect(try map.imageReference("/app") == ("app", "devel"))
        #expect(try map.imageReference("host:5000/app") == ("host:5000/app", "devel"))
    }

    /// Docker-Map creates a container from `container_config.image or config_name` of the *extended*
    /// configuration (runner/base.py, state/update/container.py), and lists the same image in its dependencies.
    @Test("The image of a configuration that extends another is the base's image")
    func imageOfExtended() throws {
        let map = try ContainerMap.parse(name: "main", ModelTestData.map2ParentNamed)
        // The dependency graph reads the extended configuration:
        let item = try DependencyGraph(map).direct("worker", withImage: true).last
        #expect(item == image("main", "registry.example.com/server"))
        // m:image(name) should agree with it.
        let worker = try map.image(of: "worker")
        let server2 = try map.image(of: "server2")
        #expect(worker == "registry.example.com/server:latest")
        #expect(server2 == "registry.example.com/server:latest")
    }

    /// Docker-Map uses `config.image or name`: an empty image means the configuration's name, in create and in the
    /// dependency list alike.
    @Test("An empty image name means the configuration's name, in the dependency graph too")
    func emptyImage() throws {
        let map = try ContainerMap.parse(name: "m", ["repository": "reg", "app": ["image": ""]])
        #expect(try map.image(of: "app") == "reg/app:latest")
        let items = try DependencyGraph(map).direct("app", withImage: true)
        #expect(items == [image("m", "reg/app")])
    }

    // MARK: lazy values

    @Test("Functions in repository, default_tag and image are not called by parse or validation, only by image(of:)")
    func lazyImageParts() throws {
        let repository = CountingLazy("repository", "registry.example.com")
        let tag = CountingLazy("default_tag", "devel")
        let name = CountingLazy("image", "image1")
        let hostPath = CountingLazy("host path", "/srv/data")
        let options = CountingLazy("create_options", ["command": "serve"])
        let port = CountingLazy("port", 8080)
        let map = try ContainerMap.parse(name: "m", table(
            ("repository", repository.input),
            ("default_tag", tag.input),
            ("host", table(("data", hostPath.input))),
            ("volumes", ["data": "/data"]),
            ("app", table(
                ("image", name.input),
                ("binds", "data"),
                ("create_options", options.input),
                ("exposes", .list([.list([80, port.input])])),
                ("links", "db"))),
            ("db", [:])))
        _ = try DependencyGraph(map).resolved("app")
        _ = try ContainerMap.parse(name: "m", map.input)
        _ = try map.merged(with: ["db": ["user": "x"]])
        for lazy in [repository, tag, name, hostPath, options, port] {
            #expect(lazy.calls == 0, "\(lazy.value.label) was called")
        }
        #expect(try map.image(of: "app") == "registry.example.com/image1:devel")
        #expect(repository.calls == 1 && tag.calls == 1 && name.calls == 1)
        #expect(try map.image(of: "db") == "registry.example.com/db:devel")
        #expect(try DependencyGraph(map).resolved("app", withImages: true).last == image("m", "registry.example.com/image1", "devel"))
        #expect(hostPath.calls == 0 && options.calls == 0 && port.calls == 0)
    }

    @Test("A function giving something other than a string for an image is a config error")
    func lazyImageWrongType() throws {
        let bad = CountingLazy("image", ["a": 1])
        let map = try ContainerMap.parse(name: "m", table(("app", table(("image", bad.input)))))
        let error = try #require(throws: DMapError.self) { try map.image(of: "app") }
        #expect(error.kind == .config)
        #expect(error.message == "expected a string, but a function gave a table with named fields")
    }

    // MARK: names

    @Test("Container names: map.config and map.config.instance")
    func containerNames() {
        let map = ContainerMap(name: "main")
        #expect(map.containerName("web_server") == "main.web_server")
        #expect(map.containerName("app_server", instance: "instance1") == "main.app_server.instance1")
    }

    @Test("Attached volume names: map.alias, or map.parent.alias with use_attached_parent_name")
    func volumeNames() {
        var map = ContainerMap(name: "main")
        #expect(map.volumeName("app_log", parent: "server") == "main.app_log")
        map.useAttachedParentName = false
        #expect(map.volumeName("app_log", parent: "server") == "main.app_log")
        map.useAttachedParentName = true
        #expect(map.volumeName("app_log", parent: "server") == "main.server.app_log")
    }

    @Test("Network names: map.network, and the preset networks as they are")
    func networkNames() {
        let map = ContainerMap(name: "main")
        #expect(map.networkName("app_net1") == "main.app_net1")
        #expect(map.networkName("bridge") == "bridge")
        #expect(map.networkName("host") == "host")
        #expect(map.networkName("none") == "none")
    }

    @Test("Host names: dots and underscores become dashes; a client other than the default is added")
    func hostnames() {
        #expect(ContainerMap.hostname("main.web_server", client: "apps1") == "main-web-server-apps1")
        #expect(ContainerMap.hostname("main.web_server") == "main-web-server")
        #expect(ContainerMap.hostname("main.web_server", client: "__default__") == "main-web-server")
        #expect(ContainerMap.hostname("main.app_server.instance1", client: "host_1.example") == "main-app-server-instance1-host-1-example")
        // a link's default alias (features §4.1): app_server.instance1 → app-server-instance1
        #expect(ContainerMap.hostname("app_server.instance1") == "app-server-instance1")
    }
}
