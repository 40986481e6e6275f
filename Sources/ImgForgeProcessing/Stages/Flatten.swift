import ImgForgeCore

/// Removes transparency onto the background (white unless `background` is given) when the
/// output format cannot store alpha, or when a background was asked for.
enum FlattenStage: PipelineStage {
    static func run(_ context: inout PipelineContext) throws {
        guard context.image.hasAlpha else { return }
        guard context.options.background != nil || !context.output.format.supportsAlpha else { return }
        let colour = context.options.background ?? .white
        context.image = try context.image.flatten(background: [Double(colour.red), Double(colour.green), Double(colour.blue)])
    }
}

extension ImageFormat {
    var supportsAlpha: Bool { self != .jpeg }
}
