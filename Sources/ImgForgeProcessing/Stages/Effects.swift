/// blur, sharpen and pixelate.
enum EffectsStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        let options = context.options
        var image = context.image
        if options.blur > 0 { image = try image.gaussianBlur(sigma: options.blur) }
        if options.sharpen > 0 { image = try image.sharpen(sigma: options.sharpen) }
        if options.pixelate > 1 {
            let block = Double(min(options.pixelate, max(image.width, image.height)))
            let width = image.width, height = image.height
            image = try image.resize(horizontal: 1 / block, vertical: 1 / block, kernel: .linear)
            image = try image.resize(horizontal: Double(width) / Double(image.width), vertical: Double(height) / Double(image.height), kernel: .nearest)
        }
        context.image = image
    }
}
