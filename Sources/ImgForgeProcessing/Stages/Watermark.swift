import ImgForgeCore

/// Draws the watermark image (`IMGFORGE_WATERMARK_PATH` or `watermark_url`, handed in as bytes)
/// over the result: its opacity, optionally scaled to a share of the result, at a gravity with
/// inward offsets, or tiled (`re`, the offsets then spacing the tiles). An animation gets the same
/// watermark on every frame, drawn in one pass over the joined frames.
enum WatermarkStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        guard let watermark = context.options.watermark else { return }
        guard let bytes = context.watermark else {
            throw ServiceError(.badRequest, "watermark: no watermark image (set IMGFORGE_WATERMARK_PATH, or give watermark_url)")
        }
        let image = context.image
        let frame = Size(image.width, image.height / max(1, context.frameCount))
        var mark = try decode(bytes)
        if watermark.scale > 0 {
            // Fits a box of that share of the result, keeping the watermark's aspect ratio.
            let factor = min(Double(frame.width) * watermark.scale / Double(mark.width),
                             Double(frame.height) * watermark.scale / Double(mark.height))
            mark = try mark.resize(horizontal: factor, vertical: factor)
        }
        if watermark.opacity < 1 {
            mark = try mark.linear(multiply: [1, 1, 1, watermark.opacity], add: [0, 0, 0, 0]).cast(.uchar)
        }
        let clear: [Double] = [0, 0, 0, 0]
        var overlay: VipsImage
        switch watermark.position {
        case .replicate:
            let tile = try mark.embed(x: 0, y: 0, width: mark.width + max(0, Int(watermark.x.rounded())),
                                      height: mark.height + max(0, Int(watermark.y.rounded())), background: clear)
            overlay = try tile.replicate(across: (frame.width + tile.width - 1) / tile.width, down: (frame.height + tile.height - 1) / tile.height)
                .extractArea(left: 0, top: 0, width: frame.width, height: frame.height)
        case .gravity(let kind):
            let (left, top) = Position.place(inner: Size(mark.width, mark.height), in: frame,
                                             gravity: Gravity(kind, x: watermark.x, y: watermark.y), offsetScale: 1)
            overlay = try mark.embed(x: left, y: top, width: frame.width, height: frame.height, background: clear)
        }
        if context.frameCount > 1 { overlay = try overlay.replicate(across: 1, down: context.frameCount) }
        var result = try image.composited(under: overlay)
        if image.bandFormat == .uchar { result = try result.cast(.uchar) }
        // Blending in sRGB adds an alpha band (and colour bands to grey): an opaque image stays opaque.
        context.image = image.hasAlpha ? result : try result.bands(0, count: 3)
    }

    /// The watermark as 8-bit sRGB with alpha, decoded into memory.
    private static func decode(_ bytes: [UInt8]) throws -> VipsImage {
        do {
            let buffer = SourceBuffer(copying: bytes)
            guard let format = ImageFormat(magic: buffer.bytes) else {
                throw ServiceError(.unprocessable, "not a jpeg, png, webp, avif, gif or tiff image")
            }
            var mark = try VipsImage.load(buffer, as: format)
            if mark.interpretation != .srgb { mark = try mark.colourspace(.srgb) }
            if !mark.hasAlpha { mark = try mark.addAlpha() }
            if mark.bandFormat != .uchar { mark = try mark.cast(.uchar) }
            // Decoded once here, not again for every tile or frame it is drawn on.
            return try mark.inMemory()
        } catch let error as ServiceError {
            throw ServiceError(.badRequest, "watermark: the watermark image cannot be decoded (\(error.message))")
        }
    }
}
