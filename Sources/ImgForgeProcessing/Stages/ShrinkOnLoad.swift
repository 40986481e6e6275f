import ImgForgeCore

/// Decodes a JPEG or WebP at a fraction of its size when the result is much smaller, so a 24 MP
/// photo is never decoded in full for a thumbnail. Not after trim or crop (they need every
/// pixel), nor for several frames (each frame is already a cut of one decoded strip).
enum ShrinkOnLoadStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        let options = context.options
        guard options.trim == nil, options.crop == nil, context.frameCount == 1,
              context.sourceFormat == .jpeg || context.sourceFormat == .webp,
              (context.image.int("n-pages") ?? 1) == 1
        else { return }
        let displayed = context.orientation.displayed(Size(context.image.width, context.image.height))
        // How much smaller the resized image is than the source, on the axis that shrinks least.
        let widthShrink = Double(displayed.width) / Double(max(1, context.plan.scaled.width))
        let heightShrink = Double(displayed.height) / Double(max(1, context.plan.scaled.height))
        let shrink = min(widthShrink, heightShrink)
        guard shrink >= 2 else { return }
        let loadOptions: String
        switch context.sourceFormat {
        case .jpeg:
            guard let factor = [8, 4, 2].first(where: { Double($0) <= shrink }) else { return }
            loadOptions = "shrink=\(factor)"
        default:
            loadOptions = "scale=\(1 / shrink)"
        }
        let before = context.image.width
        context.image = try VipsImage.load(context.source, as: context.sourceFormat, options: [loadOptions], access: context.access)
        context.shrinkOnLoad = Double(before) / Double(context.image.width)
    }
}
