import ImgForgeCore

/// `extend`: places the image on a canvas of the requested size (never smaller than the image).
enum ExtendStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        guard context.plan.extend else { return }
        try embed(&context, canvas: context.plan.target, gravity: context.options.extend.gravity)
    }

    /// Grows the canvas to `canvas` (0 = keep that side), filling with the background or transparency.
    static func embed(_ context: inout PipelineContext, canvas: Size, gravity: Gravity) throws {
        let image = context.image
        var width = canvas.width, height = canvas.height
        if width <= image.width && height <= image.height { return }
        if width <= 0 { width = image.width }
        if height <= 0 { height = image.height }
        width = max(width, image.width)
        height = max(height, image.height)
        let (left, top) = Position.place(inner: Size(image.width, image.height), in: Size(width, height), gravity: gravity, offsetScale: context.plan.dprScale)
        let filling = try context.imageForFilling()
        context.image = try filling.embed(x: left, y: top, width: width, height: height, background: context.fill(for: filling))
    }
}

/// `extend_aspect_ratio`: grows one side to the requested aspect ratio.
enum ExtendAspectRatioStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        guard let canvas = context.plan.aspectCanvas else { return }
        try ExtendStage.embed(&context, canvas: canvas, gravity: context.options.extendAspectRatio.gravity)
    }
}
