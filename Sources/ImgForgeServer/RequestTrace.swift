import ImgForgeCache
import ImgForgeCore

/// What serving one request did, noted down as it happens, for the request's log line and the
/// pool's metrics. One per request, on its responder thread.
final class RequestTrace {
    /// The source's download.
    var fetchSeconds: Double?
    /// Processing the image, encoding included.
    var processSeconds: Double?
    /// Of which inside the encoder (where libvips decodes and does the pixel work).
    var encodeSeconds: Double?
    /// Writing the result into the cache, the flush to the device included.
    var storeSeconds: Double?
    /// The format of the processed image.
    var format: ImageFormat?
    /// Whether the result was found in the cache (another request stored it first) or stored there.
    var cache: (tier: CacheTier.Kind, hit: Bool)?
    /// Why the request was refused, for the log line.
    var refusal: String?
    /// More about it than the client is told (an origin's connection error, say).
    var refusalDetail: String?
    var timedOut = false
}
