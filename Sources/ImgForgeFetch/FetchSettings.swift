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
    public var addressPolicy: AddressPolicy
    public var allowedSources: SourceAllowList
    public var s3: S3Settings?
    /// What client sources are fetched through; nil: directly.
    public var proxy: String?

    public init(
        maxBytes: Int, timeout: Double, maxRedirects: Int, localRoot: String?, userAgent: String,
        addressPolicy: AddressPolicy = AddressPolicy(), allowedSources: SourceAllowList = SourceAllowList([]), s3: S3Settings? = nil,
        proxy: String? = nil
    ) {
        self.proxy = proxy
        self.maxBytes = maxBytes
        self.timeout = timeout
        self.maxRedirects = maxRedirects
        self.localRoot = localRoot
        self.userAgent = userAgent
        self.addressPolicy = addressPolicy
        self.allowedSources = allowedSources
        self.s3 = s3
    }

    public init(_ configuration: Configuration, version: String) {
        self.init(
            maxBytes: configuration.limits.maxSrcFileSize,
            timeout: configuration.sources.downloadTimeout,
            maxRedirects: configuration.sources.maxRedirects,
            localRoot: configuration.sources.localFilesystemRoot,
            userAgent: "imgforge/\(version)",
            addressPolicy: AddressPolicy(
                allowLoopback: configuration.sources.allowLoopback,
                allowPrivate: configuration.sources.allowPrivate,
                allowLinkLocal: configuration.sources.allowLinkLocal
            ),
            allowedSources: SourceAllowList(configuration.sources.allowedSources),
            s3: configuration.sources.s3,
            proxy: configuration.sources.proxy
        )
    }
}
