import ImgForgeCore

/// Removes transparency onto the background (white unless `background` is given) when the
/// output format cannot store alpha, or when a background was asked for; a translucent
/// background (`RRGGBBAA`, `background_alpha`) on a format with alpha is drawn under the image.
enum FlattenStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        guard context.image.hasAlpha else { return }
        guard context.options.background != nil || !context.output.format.supportsAlpha else { return }
        let colour = context.options.background ?? .white
        let rgb = [Double(colour.red), Double(colour.green), Double(colour.blue)]
        let opacity = context.backgroundOpacity
        if context.output.format.supportsAlpha && opacity < 1 {
            // A translucent background on a format that keeps alpha: draw the image over it.
            let image = context.image
            let base = try image.filled(with: (image.bands == 2 ? [rgb[0]] : rgb) + [255 * opacity])
            context.image = try base.composited(under: image).cast(image.bandFormat)
        } else {
            context.image = try context.image.flatten(background: rgb)
        }
    }
}

extension ImageFormat {
    var supportsAlpha: Bool { self != .jpeg }
}
