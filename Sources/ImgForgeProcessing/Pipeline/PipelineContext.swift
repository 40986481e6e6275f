import CVips
import ImgForgeCore

/// What the stages share: the image being transformed, the plan, and what
/// earlier stages decided. Each stage reads what it needs and replaces `image`.
struct PipelineContext {
    var image: VipsImage
    let options: ProcessingOptions
    let settings: ProcessingSettings
    let output: OutputFormat
    /// The encoded watermark image, when the options draw one.
    let watermark: [UInt8]?
    /// Sizes in the displayed orientation, computed once the source size is known.
    var plan: GeometryPlan
    /// EXIF and requested rotation not yet applied, clockwise degrees.
    var pendingRotation: Int
    var pendingFlipHorizontal: Bool
    var pendingFlipVertical: Bool
    /// Nothing worth keeping is left: let the encoder write no metadata block at all.
    var stripOnSave = false

    /// True while a 90° or 270° rotation is still to come, so the stored axes are swapped.
    var axesSwapped: Bool { pendingRotation % 180 != 0 }

    /// The fill colour for new areas: the background option, or transparent.
    func fill(for image: VipsImage) -> [Double] {
        if let background = options.background {
            let colour = [Double(background.red), Double(background.green), Double(background.blue)]
            return image.bands >= 4 || image.bands == 2 ? colour + [255 * backgroundOpacity] : colour
        }
        return [Double](repeating: 0, count: image.bands)
    }

    /// How opaque the background is: its own alpha (`RRGGBBAA`) times `background_alpha`.
    var backgroundOpacity: Double {
        Double(options.background?.alpha ?? 255) / 255 * options.backgroundAlpha
    }

    /// New areas are transparent unless a background is given: add an alpha band first.
    func imageForFilling() throws -> VipsImage {
        options.background == nil && !image.hasAlpha ? try image.addAlpha() : image
    }
}

/// One step of the pipeline; the steps run in `ImageProcessor.stages` order.
protocol PipelineStage: SendableMetatype {
    static func run(_ context: inout PipelineContext) throws
}
