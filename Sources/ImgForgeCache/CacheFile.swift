/// A stored entry: which tier holds it and where, for nginx's internal redirect.
public struct CacheFile: Sendable, Equatable {
    public var tier: CacheTier.Kind
    /// Relative to the tier's `current/`, e.g. `ab/abcdef….jpg`.
    public var relativePath: String

    /// The internal nginx location that serves this file (see `imgforge nginx-config`).
    public var internalURI: String {
        "/_imgforge_cache/\(tier.rawValue)/\(relativePath)"
    }
}
