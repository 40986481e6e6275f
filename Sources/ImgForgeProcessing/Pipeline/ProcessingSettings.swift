import ImgForgeCore

/// What the pipeline needs from the configuration, and nothing else.
public struct ProcessingSettings: Sendable {
    public var defaultQuality: Int
    public var formatQuality: [ImageFormat: Int]
    /// Output format when the URL names none; nil keeps the source's.
    public var defaultFormat: ImageFormat?
    public var autoWebP: Bool
    public var autoAVIF: Bool
    /// Megapixels.
    public var maxSrcResolution: Double
    /// 0 means no limit.
    public var maxResultDimension: Int
    public var maxAnimationFrames: Int
    /// Empty accepts every supported type.
    public var allowedMimeTypes: [String]
    /// True when this process runs one image operation at a time: libvips' SIMD is safe then.
    public var oneOperationAtATime: Bool

    public init(
        defaultQuality: Int = 85, formatQuality: [ImageFormat: Int] = [:], defaultFormat: ImageFormat? = nil,
        autoWebP: Bool = false, autoAVIF: Bool = false, maxSrcResolution: Double = 50, maxResultDimension: Int = 0,
        maxAnimationFrames: Int = 100, allowedMimeTypes: [String] = [],
        oneOperationAtATime: Bool = false
    ) {
        self.defaultQuality = defaultQuality
        self.formatQuality = formatQuality
        self.defaultFormat = defaultFormat
        self.autoWebP = autoWebP
        self.autoAVIF = autoAVIF
        self.maxSrcResolution = maxSrcResolution
        self.maxResultDimension = maxResultDimension
        self.maxAnimationFrames = maxAnimationFrames
        self.allowedMimeTypes = allowedMimeTypes
        self.oneOperationAtATime = oneOperationAtATime
    }

    public init(_ configuration: Configuration) {
        self.init(
            defaultQuality: configuration.output.quality,
            formatQuality: configuration.output.formatQuality,
            defaultFormat: configuration.output.defaultFormat,
            autoWebP: configuration.output.autoWebP,
            autoAVIF: configuration.output.autoAVIF,
            maxSrcResolution: configuration.limits.maxSrcResolution,
            maxResultDimension: configuration.limits.maxResultDimension,
            maxAnimationFrames: configuration.limits.maxAnimationFrames,
            allowedMimeTypes: configuration.limits.allowedMimeTypes,
            oneOperationAtATime: configuration.server.workerThreads == 1
        )
    }
}
