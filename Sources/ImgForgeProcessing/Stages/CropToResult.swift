/// Cuts the resized image to the result box (fill, fill-down, min sizes) at the gravity.
enum CropToResultStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        context.image = try CropStage.cut(context.image, to: context.plan.resultCrop, gravity: context.options.gravity, offsetScale: context.plan.dprScale)
    }
}
