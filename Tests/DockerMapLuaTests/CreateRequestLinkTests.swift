import Testing
@testable import DockerMapLua

@Suite("Create requests: links on user-defined networks")
struct CreateRequestLinkTests {
    @Test("Links to containers on the same user-defined network go into that endpoint, where the engine honours them")
    func linksInEndpoint() throws {
        let map: InputValue = [
            "networks": ["back": [:], "front": [:]],
            "db": ["networks": "back"],
            "cache": [:],
            "app": ["links": [["db", "database"], "cache"], "networks": ["back", "front"]],
        ]
        let request = try createRequest(map, "app")
        let endpoints = request.body["NetworkingConfig"]?["EndpointsConfig"]
        // db shares `back`: its link is there. cache is on the default bridge only: HostConfig.Links keeps it.
        #expect(endpoints?["m.back"]?["Links"] == .array(["m.db:database"]))
        #expect(request.connects.count == 1 && request.connects[0].body["EndpointConfig"]?["Links"] == nil)
        #expect(request.body["HostConfig"]?["Links"] == .array(["m.db:database", "m.cache:cache"]))
    }
}
