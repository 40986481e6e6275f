import ImgForgeCore

/// The result of a request: bytes ready to send or store.
public struct ProcessedImage: Sendable {
    public var bytes: [UInt8]
    public var format: ImageFormat
    public var width: Int
    public var height: Int
    /// The format followed the `Accept` header: answer with `Vary: Accept`.
    public var variesByAccept: Bool
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
