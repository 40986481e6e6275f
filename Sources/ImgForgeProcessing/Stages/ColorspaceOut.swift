/// Leaves the image in 8-bit sRGB (or grey) as the encoders expect.
enum ColorspaceOutStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        var image = context.image
        let interpretation = image.interpretation
        let grey = interpretation.isGrey
        if !grey && interpretation != .srgb {
            image = try image.colourspace(.srgb)
        }
        if image.bandFormat != .uchar && context.output.format != .png && context.output.format != .tiff {
            image = try image.cast(.uchar)
        }
        context.image = image
    }
}
