/// One directory tree of cached files: RAM-backed (`memory`) or on disk.
public struct CacheTier: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case memory, disk
    }

    public var kind: Kind
    /// The cache's root; entries live under `<root>/current/`, a link to the settings' own directory.
    public var root: String
    public var capacity: CacheCapacity?

    public init(kind: Kind, root: String, capacity: CacheCapacity?) {
        self.kind = kind
        self.root = root
        self.capacity = capacity
    }
}

/// How much a tier may hold: a number of entries or a size in bytes.
public enum CacheCapacity: Sendable, Equatable {
    case entries(Int)
    case bytes(Int)
}
