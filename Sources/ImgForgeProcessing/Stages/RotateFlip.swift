/// Applies what is pending of the EXIF orientation, then the `rotate` and `flip` options.
enum RotateFlipStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        var image = context.image
        image = try image.rotate(degrees: context.pendingRotation)
        if context.pendingFlipHorizontal { image = try image.flip(horizontal: true) }
        if context.pendingFlipVertical { image = try image.flip(horizontal: false) }
        context.image = image
        context.pendingRotation = 0
        context.pendingFlipHorizontal = false
        context.pendingFlipVertical = false
    }
}
