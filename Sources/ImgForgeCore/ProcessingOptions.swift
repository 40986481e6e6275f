/// The typed, validated plan for one image request: every option of the URL,
/// after presets, with imgproxy's defaults.
public struct ProcessingOptions: Equatable, Sendable {
    // MARK: Geometry

    public var resizingType: ResizingType = .fit
    /// Requested width; 0 derives it from the aspect ratio.
    public var width: Int = 0
    /// Requested height; 0 derives it from the aspect ratio.
    public var height: Int = 0
    /// The result is at least this wide (upscaling if needed).
    public var minWidth: Int = 0
    /// The result is at least this high (upscaling if needed).
    public var minHeight: Int = 0
    public var zoomX: Double = 1
    public var zoomY: Double = 1
    /// Device pixel ratio: multiplies size and padding.
    public var dpr: Double = 1
    /// Allow scaling a smaller source up.
    public var enlarge: Bool = false
    public var extend = Extend()
    public var extendAspectRatio = Extend()
    public var gravity = Gravity.center
    public var crop: Crop?
    public var trim: Trim?
    public var padding: Padding?
    /// Apply the EXIF orientation.
    public var autoRotate: Bool = true
    /// 0, 90, 180 or 270, clockwise, after the EXIF orientation.
    public var rotate: Int = 0
    public var flipHorizontal: Bool = false
    public var flipVertical: Bool = false
    /// Fill for extend, padding and flattening; nil keeps transparency where the format allows it.
    public var background: Color?
    public var backgroundAlpha: Double = 1
    public var resizingAlgorithm: ResizingAlgorithm = .lanczos3

    // MARK: Effects

    public var blur: Double = 0
    public var sharpen: Double = 0
    public var pixelate: Int = 0
    public var brightness: Int = 0
    public var contrast: Double = 1
    public var saturation: Double = 1
    public var watermark: Watermark?
    /// Per-request watermark image URL (already decoded from base64url).
    public var watermarkURL: String?

    // MARK: Encoding

    /// The output format asked for; nil keeps the source's (or the configured default).
    public var format: ImageFormat?
    /// Encoder quality; nil uses `formatQuality`, then the configured defaults.
    public var quality: Int?
    public var formatQuality: [ImageFormat: Int] = [:]
    /// Lower the quality until the result fits; 0 disables.
    public var maxBytes: Int = 0
    public var stripMetadata: Bool = true
    public var keepCopyright: Bool = true
    public var stripColorProfile: Bool = true
    public var jpegOptions = JPEGOptions()
    public var pngOptions = PNGOptions()
    public var webpOptions = WebPOptions()
    public var avifOptions = AVIFOptions()

    // MARK: Pages and animation

    public var page: Int = 0
    public var pages: Int = 1
    public var disableAnimation: Bool = false

    // MARK: Pass-through

    /// Source formats returned unchanged.
    public var skipProcessing: Set<ImageFormat> = []
    /// Return the source bytes unprocessed.
    public var raw: Bool = false

    // MARK: Response

    public var cacheBuster: String?
    /// Unix time after which the URL answers 404.
    public var expires: Int?
    public var filename: String?
    public var returnAttachment: Bool = false

    // MARK: Per-URL limits (only with IMGFORGE_ALLOW_SECURITY_OPTIONS)

    /// Megapixels.
    public var maxSrcResolution: Double?
    public var maxSrcFileSize: Int?
    public var maxResultDimension: Int?
    public var maxAnimationFrames: Int?

    public init() {}

    /// Past its `expires` time a URL is gone.
    public func checkNotExpired(now: Int) throws {
        if let expires, expires <= now {
            throw ServiceError(.notFound, "expired URL: expired at \(expires)")
        }
    }
}
