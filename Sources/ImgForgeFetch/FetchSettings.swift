import ImgForgeCore

/// What the fetcher needs to know from the configuration, and nothing else.
public struct FetchSettings: Sendable {
    /// Largest body accepted, in bytes; 0 means no limit.
    public var maxBytes: Int
    /// Whole-transfer time limit, in seconds.
    public var timeout: Double
    public var maxRedirects: Int
    /// Root of `local:///` sources; nil refuses them.
    public var localRoot: String?
    public var userAgent: String

    public init(maxBytes: Int, timeout: Double, maxRedirects: Int, localRoot: String?, userAgent: String) {
        self.maxBytes = maxBytes
        self.timeout = timeout
        self.maxRedirects = maxRedirects
        self.localRoot = localRoot
        self.userAgent = userAgent
    }

    public init(_ configuration: Configuration, version: String) {
        self.init(
            maxBytes: configuration.limits.maxSrcFileSize,
            timeout: configuration.sources.downloadTimeout,
            maxRedirects: configuration.sources.maxRedirects,
            localRoot: configuration.sources.localFilesystemRoot,
            userAgent: "imgforge/\(version)"
        )
    }
}
