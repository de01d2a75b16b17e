/// One thing a map makes on an engine, as Docker-Map's `MapConfigId`: a container (configuration and instance), an
/// attached volume (its parent configuration and alias), a network, or an image (repository and tag).
public struct MapItem: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Comparable {
        case container, volume, network, image
        public static func < (a: Kind, b: Kind) -> Bool { a.order < b.order }
        var order: Int { [.container: 0, .volume: 1, .network: 2, .image: 3][self]! }
    }

    public var kind: Kind
    public var map: String
    /// The configuration (container, volume parent, network), or the image repository.
    public var config: String
    /// The instance (container), the alias (volume), or the tag (image).
    public var instance: String?

    public init(_ kind: Kind, map: String, config: String, instance: String? = nil) {
        self.kind = kind
        self.map = map
        self.config = config
        self.instance = instance
    }

    public var description: String {
        "\(kind.rawValue) \(map).\(config)" + (instance.map { ".\($0)" } ?? "")
    }
}
