/// Brings the image into sRGB for processing, through its embedded ICC profile when it has one.
enum ColorspaceInStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        let image = context.image
        let interpretation = image.interpretation
        let grey = interpretation.isGrey
        if image.has("icc-profile-data") && !grey {
            // A broken profile is not worth failing the request: fall back to a plain conversion.
            if let converted = try? image.iccToSRGB() {
                context.image = converted
                return
            }
            Vips.clearError()
        }
        if interpretation != .srgb && interpretation != .rgb16 && !grey {
            context.image = try image.colourspace(.srgb)
        }
    }
}
