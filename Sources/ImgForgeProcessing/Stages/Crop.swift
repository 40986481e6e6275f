import ImgForgeCore

/// The `crop` option: cut a box out of the source before resizing.
enum CropStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        guard let box = context.plan.crop, let requested = context.options.crop else { return }
        // Crop boxes are given in the displayed orientation: settle the orientation first.
        try RotateFlipStage.run(&context)
        let gravity = requested.gravity ?? context.options.gravity
        context.image = try cut(context.image, to: box, gravity: gravity, offsetScale: 1)
    }

    /// Cuts `box` (0 = whole side, clamped to the image) at `gravity`; `sm` uses libvips' smart crop.
    static func cut(_ image: VipsImage, to box: Size, gravity: Gravity, offsetScale: Double) throws -> VipsImage {
        if box.width == 0 && box.height == 0 { return image }
        let width = min(Rounding.minNonZero(box.width, image.width), image.width)
        let height = min(Rounding.minNonZero(box.height, image.height), image.height)
        if width >= image.width && height >= image.height { return image }
        if gravity.kind == .smart { return try image.smartCrop(width: width, height: height) }
        let inner = Size(width, height)
        let (left, top) = Position.place(inner: inner, in: Size(image.width, image.height), gravity: gravity, offsetScale: offsetScale)
        return try image.extractArea(left: left, top: top, width: width, height: height)
    }
}
