import ImgForgeCore
import ImgForgeProcessing

/// The least work a resize can be with libvips, as imgproxy does it: read the header, decode a
/// JPEG at the largest of 1/8, 1/4, 1/2 that stays above the target (WebP at any scale), resize
/// the rest of the way, encode.
enum ReferencePipeline {
    static func thumbnail(_ source: [UInt8], width: Int, suffix: String) throws -> [UInt8] {
        let bytes = SourceBuffer(copying: source)
        let header = try VipsImage.load(bytes)
        let shrink = Double(header.width) / Double(width)
        var image = header
        if shrink >= 2 {
            if let factor = [8, 4, 2].first(where: { Double($0) <= shrink }), header.string("vips-loader") == "jpegload_buffer" {
                image = try VipsImage.load(bytes, options: "[shrink=\(factor)]")
            } else if header.string("vips-loader") == "webpload_buffer" {
                image = try VipsImage.load(bytes, options: "[scale=\(1 / shrink)]")
            }
        }
        let scale = Double(width) / Double(image.width)
        if scale != 1 { image = try image.resize(horizontal: scale, vertical: scale) }
        return try image.encode(suffix: suffix)
    }
}
