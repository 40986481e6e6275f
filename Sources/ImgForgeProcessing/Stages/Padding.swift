/// `padding`: CSS-style margins, already scaled by the effective dpr.
enum PaddingStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        guard let padding = context.plan.padding else { return }
        let filling = try context.imageForFilling()
        context.image = try filling.embed(
            x: padding.left, y: padding.top,
            width: filling.width + padding.left + padding.right, height: filling.height + padding.top + padding.bottom,
            background: context.fill(for: filling)
        )
    }
}
