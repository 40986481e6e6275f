/// `IMGFORGE_ALLOWED_SOURCES`: URL prefixes a source (and every redirect) must start with.
/// `*` in a prefix matches any run of characters within one path segment (no `/`).
public struct SourceAllowList: Sendable, Equatable {
    public var prefixes: [String]

    public init(_ prefixes: [String]) {
        self.prefixes = prefixes
    }

    public func allows(_ url: String) -> Bool {
        prefixes.isEmpty || prefixes.contains { Self.matches(prefix: Array($0.utf8)[...], url: Array(url.utf8)[...]) }
    }

    private static func matches(prefix: ArraySlice<UInt8>, url: ArraySlice<UInt8>) -> Bool {
        guard let first = prefix.first else { return true }
        if first == UInt8(ascii: "*") {
            let rest = prefix.dropFirst()
            var candidate = url
            while true {
                if matches(prefix: rest, url: candidate) { return true }
                guard let next = candidate.first, next != UInt8(ascii: "/") else { return false }
                candidate = candidate.dropFirst()
            }
        }
        guard url.first == first else { return false }
        return matches(prefix: prefix.dropFirst(), url: url.dropFirst())
    }
}
