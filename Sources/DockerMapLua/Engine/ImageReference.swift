/// Image names as the engine reads them: `[registry[:port]/]repository[:tag][@digest]`.
public enum ImageReference {
    /// Splits `name` into repository and tag when it has a tag (a `:` after the last `/`), else `nil`.
    public static func splitTag(_ name: String) -> (repository: String, tag: String)? {
        let withoutDigest = name.split(separator: "@", maxSplits: 1).first.map(String.init) ?? name
        guard let colon = withoutDigest.lastIndex(of: ":") else { return nil }
        let afterColon = withoutDigest[withoutDigest.index(after: colon)...]
        if afterColon.contains("/") { return nil }  // a registry port, not a tag
        return (String(withoutDigest[..<colon]), String(afterColon))
    }
}
