import ImgForgeCore

/// Runs the pipeline on source bytes: receives bytes, never fetches.
public struct ImageProcessor: Sendable {
    public let settings: ProcessingSettings

    /// The whole pipeline, in order. Each frame of the source (a still image is one frame) runs
    /// `frameStages` on its own; the frames are then joined and `finishStages` run once.
    static let frameStages: [any PipelineStage.Type] = [
        TrimStage.self,
        ShrinkOnLoadStage.self,
        ColorspaceInStage.self,
        CropStage.self,
        ResizeStage.self,
        RotateFlipStage.self,
        CropToResultStage.self,
        EffectsStage.self,
        ColourAdjustStage.self,
        ExtendStage.self,
        ExtendAspectRatioStage.self,
        PaddingStage.self,
        FlattenStage.self,
    ]
    static let finishStages: [any PipelineStage.Type] = [
        WatermarkStage.self,
        ColorspaceOutStage.self,
        StripMetadataStage.self,
    ]

    public init(settings: ProcessingSettings) throws {
        try Vips.start()
        Vips.setVectorised(settings.oneOperationAtATime)
        self.settings = settings
    }

    /// `watermark` is the encoded watermark image the options' `watermark` draws, when they ask for one.
    /// `acceptable` holds the negotiable formats (AVIF, WebP) the client takes, for
    /// `IMGFORGE_AUTO_AVIF`/`IMGFORGE_AUTO_WEBP`.
    /// Past `deadline` the work stops (between stages, and inside libvips while it encodes)
    /// with the 503 timeout.
    public func process(_ source: [UInt8], options: ProcessingOptions, watermark: [UInt8]? = nil, acceptable: Set<ImageFormat> = [],
                        deadline: Deadline? = nil) throws -> ProcessedImage {
        do {
            return try SourceBuffer.borrowing(source) { borrowed in
                let (buffer, format) = try loadable(borrowed)
                if format == .svg {
                    return try processSVG(buffer, options: options, watermark: watermark, acceptable: acceptable, deadline: deadline)
                }
                return try run(buffer, format: format, source: source, options: options, watermark: watermark, acceptable: acceptable,
                               deadline: deadline)
            }
        } catch {
            // A libvips failure after the deadline is the kill it asked for.
            if let deadline, deadline.hasPassed { throw deadline.error }
            throw error
        }
    }

    /// The source's format as its first bytes announce it, checked against the allowed types before any
    /// libvips loader parses a byte. An SVG source is rebuilt by SVGSanitizer first, and only that is
    /// ever given to libvips.
    private func loadable(_ buffer: SourceBuffer) throws -> (buffer: SourceBuffer, format: ImageFormat) {
        let isSVG = SVGSanitizer.looksLikeSVG(buffer)
        guard let format = isSVG ? .svg : ImageFormat(magic: buffer.bytes) else {
            throw ServiceError(.unprocessable, "source is not a supported image (jpeg, png, webp, avif, gif, tiff or svg)")
        }
        if !settings.allowedMimeTypes.isEmpty && !settings.allowedMimeTypes.contains(format.mimeType) {
            throw ServiceError(.unprocessable, "source type \(format.mimeType) is not allowed")
        }
        if format == .jpeg { try JPEGScans.check(buffer.bytes) }
        return isSVG ? (SourceBuffer(copying: try SVGSanitizer.sanitize(buffer)), .svg) : (buffer, format)
    }

    /// An SVG source, already sanitised: answered as SVG (when nothing asks to change its pixels),
    /// or rasterised by libvips and processed like any other source.
    private func processSVG(_ svg: SourceBuffer, options: ProcessingOptions, watermark: [UInt8]?, acceptable: Set<ImageFormat>,
                            deadline: Deadline?) throws -> ProcessedImage {
        let header = try VipsImage.load(svg, as: .svg, access: .sequential)
        let output = OutputFormat.choose(options: options, source: .svg, acceptable: acceptable, settings: settings)
        guard output.format == .svg || options.raw else {
            return try run(svg, format: .svg, header: header, source: Array(svg.bytes), options: options, watermark: watermark, acceptable: acceptable, deadline: deadline)
        }
        try checkSource(header, options: options)
        if !options.raw, let option = options.firstPixelOption {
            throw ServiceError(.badRequest, "an SVG answer is the sanitised source and cannot apply \(option): ask for a raster format (e.g. @png)")
        }
        return ProcessedImage(bytes: Array(svg.bytes), format: .svg, width: header.width, height: header.height,
                              variesByAccept: output.negotiated, sourceWidth: header.width, sourceHeight: header.height)
    }

    private func run(_ buffer: SourceBuffer, format: ImageFormat, header loadedHeader: VipsImage? = nil, source: [UInt8],
                     options: ProcessingOptions, watermark: [UInt8]?, acceptable: Set<ImageFormat>, deadline: Deadline?) throws -> ProcessedImage {
        // Load the header and check the source against the limits: nothing is decoded yet. Opened
        // for streaming: a pipeline that streams decodes this very image, any other loads again.
        let header = try loadedHeader ?? VipsImage.load(buffer, as: format, access: .sequential)
        try checkSource(header, options: options)
        let output = OutputFormat.choose(options: options, source: format, acceptable: acceptable, settings: settings)
        guard output.format != .svg else { throw ServiceError(.badRequest, "svg output needs an SVG source") }
        // skip_processing returns the source only when that is the format asked for.
        if options.raw || (options.skipProcessing.contains(format) && output.format == format) {
            return ProcessedImage(bytes: source, format: format, width: header.width, height: header.height,
                                  variesByAccept: !options.raw && output.negotiated, sourceWidth: header.width, sourceHeight: header.height)
        }

        // Plan from the frames to process.
        let frames = try FrameSelection(sourcePages: header.int("n-pages") ?? 1, format: format, options: options, output: output.format)
        let orientation = Orientation(exif: header.int("orientation") ?? 1, options: options)
        let access = Self.access(options: options, orientation: orientation, frames: frames)
        let loaded = frames.loadOptions.isEmpty && access == .sequential
            ? header : try VipsImage.load(buffer, as: format, options: frames.loadOptions, access: access)
        let frameHeight = frames.count > 1 ? (loaded.int("page-height") ?? loaded.height / frames.count) : loaded.height
        let strip = frames.count > 1 ? loaded : nil
        let first = try strip.map { try $0.extractArea(left: 0, top: 0, width: $0.width, height: frameHeight) } ?? loaded
        let context = PipelineContext(
            frame: first, options: options, settings: settings, output: output, watermark: watermark,
            source: buffer, sourceFormat: format, access: access, orientation: orientation, frameCount: frames.count
        )
        try context.checkResultSize()

        // Every frame through the frame stages, then the result through the finishing ones.
        var finished = try runFrameStages(context, deadline: deadline)
        if let strip {
            var results = [finished.image]
            for index in 1..<frames.count {
                var frame = context
                frame.image = try strip.extractArea(left: 0, top: index * frameHeight, width: strip.width, height: frameHeight)
                results.append(try runFrameStages(frame, deadline: deadline).image)
            }
            finished.image = try Self.animation(of: results, selected: frames, header: header)
        }
        for stage in Self.finishStages {
            try deadline?.check()
            try stage.run(&finished)
        }
        try deadline?.check()
        return try encode(finished, header: header, deadline: deadline)
    }

    private func runFrameStages(_ start: PipelineContext, deadline: Deadline?) throws -> PipelineContext {
        var context = start
        for stage in Self.frameStages {
            try deadline?.check()
            try stage.run(&context)
        }
        return context
    }

    /// The processed frames as one strip, with the source's loop count and the selected frames' delays
    /// (from the header, which lists every frame's: a strip loaded from a later page does not).
    private static func animation(of frames: [VipsImage], selected: FrameSelection, header: VipsImage) throws -> VipsImage {
        let joined = try VipsImage.stacked(frames).copy()
        joined.set("page-height", frames[0].height)
        if let delays = header.ints("delay"), delays.count >= selected.first + frames.count {
            joined.set("delay", Array(delays[selected.first..<(selected.first + frames.count)]))
        }
        if let loop = header.int("loop") { joined.set("loop", loop) }
        return joined
    }

    /// Decoding and every stage run lazily, inside the encoder's evaluation.
    private func encode(_ context: PipelineContext, header: VipsImage, deadline: Deadline?) throws -> ProcessedImage {
        let image = context.image
        if let deadline { image.cancel(atUptimeNanoseconds: deadline.uptimeNanoseconds) }
        let frameHeight = context.frameCount > 1 ? image.height / context.frameCount : image.height
        var format = context.output.format
        // AVIF encoders refuse images under 16 pixels on a side.
        if format == .avif && (image.width < 16 || frameHeight < 16) {
            format = image.hasAlpha ? .png : .jpeg
        }
        let started = ContinuousClock.now
        let encoded = try Encoder.encode(image, as: format, quality: quality(for: format, options: context.options, settings: settings),
                                         options: context.options, strip: context.stripOnSave)
        return ProcessedImage(
            bytes: encoded, format: format, width: image.width, height: frameHeight, frames: context.frameCount,
            variesByAccept: context.output.negotiated, sourceWidth: header.width, sourceHeight: header.height,
            shrinkOnLoad: context.shrinkOnLoad, encodeSeconds: (ContinuousClock.now - started) / .seconds(1)
        )
    }

    /// Reads the header only: what the source is, and the size `options` would give it.
    public func info(_ source: [UInt8], options: ProcessingOptions = ProcessingOptions()) throws -> ImageInfo {
        try SourceBuffer.borrowing(source) { borrowed in
            let (buffer, format) = try loadable(borrowed)
            let header = try VipsImage.load(buffer, as: format)
            try checkSource(header, options: options)
            let pages = header.int("n-pages") ?? 1
            let height = pages > 1 ? header.int("page-height") ?? header.height : header.height
            let orientation = Orientation(exif: header.int("orientation") ?? 1, options: options)
            let plan = GeometryPlan(source: orientation.displayed(Size(header.width, height)), options: options)
            try plan.check(maxResultDimension: options.maxResultDimension ?? settings.maxResultDimension)
            return ImageInfo(
                width: header.width, height: height, format: format, pages: pages,
                delays: pages > 1 ? header.ints("delay") ?? [] : [], loop: pages > 1 ? header.int("loop") : nil,
                hasAlpha: header.hasAlpha, orientation: header.int("orientation") ?? 1, colourSpace: header.interpretation.name,
                bytes: source.count, resultWidth: plan.resultSize.width, resultHeight: plan.resultSize.height
            )
        }
    }

    /// Frame and resolution limits, from the header alone: nothing is decoded yet.
    private func checkSource(_ header: VipsImage, options: ProcessingOptions) throws {
        // Every frame counts, whatever the options select: disable_animation does not lift a limit.
        let frames = header.int("n-pages") ?? 1
        let frameLimit = options.maxAnimationFrames ?? settings.maxAnimationFrames
        if frames > frameLimit {
            throw ServiceError(.badRequest, "source has \(frames) frames, over the limit of \(frameLimit) (IMGFORGE_MAX_ANIMATION_FRAMES)")
        }
        let megapixels = Double(header.width) * Double(header.height) * Double(frames) / 1_000_000
        let limit = options.maxSrcResolution ?? settings.maxSrcResolution
        if megapixels > limit {
            let size = "\(header.width)x\(header.height)" + (frames > 1 ? " × \(frames) frames" : "")
            throw ServiceError(.badRequest, "source resolution \(size) (\(Self.format(megapixels)) MP) is over the \(Self.format(limit)) MP limit")
        }
    }

    private static func format(_ value: Double) -> String {
        value >= 10 ? String(Int(value.rounded())) : String((value * 100).rounded() / 100)
    }
}
