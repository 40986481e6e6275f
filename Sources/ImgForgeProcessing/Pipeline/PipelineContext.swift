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
    /// The source's encoded bytes, for stages that decode again (shrink-on-load).
    let source: SourceBuffer
    let sourceFormat: ImageFormat
    /// How the source is read: a reload (shrink on load) reads it the same way.
    let access: VipsImage.Access
    /// The EXIF orientation and the requested turns and flips.
    let orientation: Orientation
    /// Frames (or pages) being processed: each runs the frame stages on its own.
    let frameCount: Int
    /// Sizes in the displayed orientation, computed once the source size is known.
    var plan: GeometryPlan
    /// EXIF and requested rotation not yet applied, clockwise degrees.
    var pendingRotation: Int
    var pendingFlipHorizontal: Bool
    var pendingFlipVertical: Bool
    /// How much smaller than stored the source was decoded (1: full size).
    var shrinkOnLoad: Double = 1
    /// Nothing worth keeping is left: let the encoder write no metadata block at all.
    var stripOnSave = false

    init(frame: VipsImage, options: ProcessingOptions, settings: ProcessingSettings, output: OutputFormat, watermark: [UInt8]?,
         source: SourceBuffer, sourceFormat: ImageFormat, access: VipsImage.Access, orientation: Orientation, frameCount: Int) {
        image = frame
        self.options = options
        self.settings = settings
        self.output = output
        self.watermark = watermark
        self.source = source
        self.sourceFormat = sourceFormat
        self.access = access
        self.orientation = orientation
        self.frameCount = frameCount
        plan = GeometryPlan(source: orientation.displayed(Size(frame.width, frame.height)), options: options)
        pendingRotation = orientation.rotation
        pendingFlipHorizontal = orientation.flipHorizontal
        pendingFlipVertical = orientation.flipVertical
    }

    /// The planned result against `max_result_dimension`, before any pixel is decoded.
    func checkResultSize() throws {
        try plan.check(maxResultDimension: options.maxResultDimension ?? settings.maxResultDimension)
    }

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
