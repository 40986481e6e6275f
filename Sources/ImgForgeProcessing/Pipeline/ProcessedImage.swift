import ImgForgeCore

/// The result of a request: bytes ready to send or store.
public struct ProcessedImage: Sendable {
    public var bytes: [UInt8]
    public var format: ImageFormat
    public var width: Int
    /// The height of one frame.
    public var height: Int
    /// Frames (or pages) in the result.
    public var frames: Int = 1
    /// The format followed the `Accept` header: answer with `Vary: Accept`.
    public var variesByAccept: Bool
    /// The source's stored size.
    public var sourceWidth: Int
    public var sourceHeight: Int
    /// How much smaller than the source it was decoded (1: full size).
    public var shrinkOnLoad: Double = 1
}

/// What `/info` reports about a source.
public struct ImageInfo: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var format: ImageFormat
    public var pages: Int
    public var hasAlpha: Bool
    /// EXIF orientation, 1 when absent.
    public var orientation: Int
}
