import ImgForgeCore
import ImgForgeProcessing

/// The least work a resize can be with libvips, as imgproxy does it: read the header, decode a
/// JPEG at the largest of 1/8, 1/4, 1/2 that stays above the target (WebP at any scale), resize
/// the rest of the way (premultiplied when there is alpha), encode.
enum ReferencePipeline {
    static func thumbnail(_ source: [UInt8], width: Int, suffix: String, access: VipsImage.Access) throws -> [UInt8] {
        try SourceBuffer.borrowing(source) { bytes in
            guard let format = ImageFormat(magic: bytes.bytes) else { throw ServiceError(.unprocessable, "not an image") }
            let header = try VipsImage.load(bytes, as: format, access: access)
            let shrink = Double(header.width) / Double(width)
            var image = header
            if shrink >= 2 {
                if let factor = [8, 4, 2].first(where: { Double($0) <= shrink }), format == .jpeg {
                    image = try VipsImage.load(bytes, as: format, options: ["shrink=\(factor)"], access: access)
                } else if format == .webp {
                    image = try VipsImage.load(bytes, as: format, options: ["scale=\(1 / shrink)"], access: access)
                }
            }
            let scale = Double(width) / Double(image.width)
            if scale != 1 { image = try image.resizePremultiplied(horizontal: scale, vertical: scale) }
            return try image.encode(suffix: suffix)
        }
    }
}
