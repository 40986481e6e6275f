/// Output (and recognised source) formats.
public enum ImageFormat: String, CaseIterable, Sendable {
    case jpeg, png, webp, avif, gif, tiff
    /// Only for SVG sources, answered sanitised; every other output is raster.
    case svg

    /// Accepts the spellings used in URLs: `jpg`, `jpeg`, `tif`, …
    public init?(name: String) {
        switch name.lowercased() {
        case "jpg", "jpeg": self = .jpeg
        case "png": self = .png
        case "webp": self = .webp
        case "avif": self = .avif
        case "gif": self = .gif
        case "tif", "tiff": self = .tiff
        case "svg": self = .svg
        default: return nil
        }
    }

    /// `jpeg|png|…`, for error messages.
    public static let names = allCases.map(\.rawValue).joined(separator: "|")

    public var mimeType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .webp: "image/webp"
        case .avif: "image/avif"
        case .gif: "image/gif"
        case .tiff: "image/tiff"
        case .svg: "image/svg+xml"
        }
    }

    /// The file extension nginx maps back to `mimeType`.
    public var fileExtension: String {
        switch self {
        case .jpeg: "jpg"
        default: rawValue
        }
    }
}
