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
    /// Seconds inside the encoder, which is also where libvips decodes and runs every stage
    /// (lazily, tile by tile): the pixel work. The rest of processing is reading headers and
    /// planning.
    public var encodeSeconds: Double = 0
}

/// What `/info` reports about a source, and what the options would make of it.
public struct ImageInfo: Sendable, Equatable {
    /// The stored size of one frame or page.
    public var width: Int
    public var height: Int
    public var format: ImageFormat
    /// Pages or frames.
    public var pages: Int
    /// Each frame's delay in milliseconds (animations only).
    public var delays: [Int]
    /// How often an animation repeats (0: for ever), nil for stills.
    public var loop: Int?
    public var hasAlpha: Bool
    /// EXIF orientation, 1 when absent.
    public var orientation: Int
    /// libvips' name of the colour space: srgb, b-w, cmyk, rgb16, grey16, …
    public var colourSpace: String
    /// The encoded source's size.
    public var bytes: Int
    /// The size one frame of the result would have, from the options (trim is not foreseen).
    public var resultWidth: Int
    public var resultHeight: Int
}
