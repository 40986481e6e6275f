import ImgForgeProcessing

extension ImageInfo {
    /// The `/info` answer. Every value is a number, a boolean or one of a few known words: nothing
    /// from the URL or the source's metadata is echoed, so nothing needs escaping.
    var json: String {
        let fields: [(String, String)] = [
            ("width", "\(width)"), ("height", "\(height)"),
            ("format", "\"\(format.rawValue)\""), ("mime_type", "\"\(format.mimeType)\""),
            ("pages", "\(pages)"), ("frame_delays", "[\(delays.map(String.init).joined(separator: ","))]"),
            ("loop", loop.map(String.init) ?? "null"),
            ("has_alpha", "\(hasAlpha)"), ("orientation", "\(orientation)"),
            ("color_space", "\"\(colourSpace)\""), ("bytes", "\(bytes)"),
            ("result", "{\"width\":\(resultWidth),\"height\":\(resultHeight)}"),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}
