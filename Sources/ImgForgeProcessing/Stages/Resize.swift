import ImgForgeCore

/// Scales the image to the planned size with the requested filter.
enum ResizeStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        let image = context.image
        // The plan is in displayed orientation; before a pending 90° turn the stored axes are swapped.
        let planned = context.axesSwapped ? Size(context.plan.scaled.height, context.plan.scaled.width) : context.plan.scaled
        guard planned.width != image.width || planned.height != image.height else { return }
        let horizontal = Double(planned.width) / Double(image.width)
        let vertical = Double(planned.height) / Double(image.height)
        var resized = try image.resizePremultiplied(horizontal: horizontal, vertical: vertical, kernel: context.options.resizingAlgorithm)
        // libvips may land a pixel off the planned size; the plan is what the user was promised.
        if resized.width != planned.width || resized.height != planned.height {
            if resized.width >= planned.width && resized.height >= planned.height {
                resized = try resized.extractArea(left: 0, top: 0, width: planned.width, height: planned.height)
            } else {
                resized = try resized.resize(
                    horizontal: Double(planned.width) / Double(resized.width),
                    vertical: Double(planned.height) / Double(resized.height),
                    kernel: .linear
                )
            }
        }
        context.image = resized
    }
}
