import CVips

/// Applies what is pending of the EXIF orientation, then the `rotate` and `flip` options.
enum RotateFlipStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        var image = context.image
        switch context.pendingRotation {
        case 90: image = try image.rotate(VIPS_ANGLE_D90)
        case 180: image = try image.rotate(VIPS_ANGLE_D180)
        case 270: image = try image.rotate(VIPS_ANGLE_D270)
        default: break
        }
        if context.pendingFlipHorizontal { image = try image.flip(VIPS_DIRECTION_HORIZONTAL) }
        if context.pendingFlipVertical { image = try image.flip(VIPS_DIRECTION_VERTICAL) }
        context.image = image
        context.pendingRotation = 0
        context.pendingFlipHorizontal = false
        context.pendingFlipVertical = false
    }
}
