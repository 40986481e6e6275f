import ImgForgeCore

/// Runs the pipeline on source bytes: receives bytes, never fetches.
public struct ImageProcessor: Sendable {
    public let settings: ProcessingSettings

    /// The stages after loading, in their fixed order.
    static let stages: [any PipelineStage.Type] = [
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
    /// `accept` is the request's `Accept` header, for `IMGFORGE_AUTO_WEBP`/`IMGFORGE_AUTO_AVIF`.
    /// Past `deadline` the work stops (between stages, and inside libvips while it encodes)
    /// with the 503 timeout.
    public func process(_ source: [UInt8], options: ProcessingOptions, watermark: [UInt8]? = nil, accept: String? = nil,
                        deadline: Deadline? = nil) throws -> ProcessedImage {
        do {
            return try run(source, options: options, watermark: watermark, accept: accept, deadline: deadline)
        } catch {
            // A libvips failure after the deadline is the kill it asked for.
            if let deadline, deadline.hasPassed { throw deadline.error }
            throw error
        }
    }

    private func run(_ source: [UInt8], options: ProcessingOptions, watermark: [UInt8]?, accept: String?, deadline: Deadline?) throws -> ProcessedImage {
        try source.withUnsafeBytes { bytes in
            // libvips reads `bytes` lazily: everything below stays inside this closure.
            let header = try VipsImage.load(bytes)
            let format = try checkSource(header, options: options)

            let output = OutputFormat.choose(options: options, source: format, accept: accept, settings: settings)
            // skip_processing returns the source only when that is the format asked for.
            if options.raw || (options.skipProcessing.contains(format) && output.format == format) {
                return ProcessedImage(bytes: source, format: format, width: header.width, height: header.height,
                                      variesByAccept: !options.raw && output.negotiated,
                                      sourceWidth: header.width, sourceHeight: header.height)
            }

            let orientation = Orientation(exif: header.int("orientation") ?? 1, options: options)
            let displayed = orientation.displayed(Size(header.width, header.height))
            var image = header
            var context = PipelineContext(
                image: image, options: options, settings: settings, output: output, watermark: watermark,
                plan: GeometryPlan(source: displayed, options: options),
                pendingRotation: orientation.rotation,
                pendingFlipHorizontal: orientation.flipHorizontal, pendingFlipVertical: orientation.flipVertical
            )

            // Trim needs every pixel at full size; everything after it sees the trimmed size.
            if options.trim != nil {
                try TrimStage.run(&context)
                context.plan = GeometryPlan(source: orientation.displayed(Size(context.image.width, context.image.height)), options: options)
            }
            try context.plan.check(maxResultDimension: options.maxResultDimension ?? settings.maxResultDimension)

            if options.trim == nil && options.crop == nil,
               let shrunk = try ShrinkOnLoad.reload(bytes, header: header, format: format, plan: context.plan, displayed: displayed) {
                image = shrunk
                context.image = image
            }

            for stage in Self.stages {
                try deadline?.check()
                try stage.run(&context)
            }
            try deadline?.check()
            // Decoding and every stage run lazily, inside the encoder's evaluation.
            if let deadline { context.image.cancel(atUptimeNanoseconds: deadline.uptimeNanoseconds) }

            var finalFormat = output.format
            // AVIF encoders refuse images under 16 pixels on a side.
            if finalFormat == .avif && (context.image.width < 16 || context.image.height < 16) {
                finalFormat = context.image.hasAlpha ? .png : .jpeg
            }
            let encoded = try Encoder.encode(context.image, as: finalFormat, quality: quality(for: finalFormat, options: options, settings: settings), options: options, strip: context.stripOnSave)
            return ProcessedImage(
                bytes: encoded, format: finalFormat, width: context.image.width, height: context.image.height,
                variesByAccept: output.negotiated, sourceWidth: header.width, sourceHeight: header.height,
                shrinkOnLoad: Double(header.width) / Double(image.width)
            )
        }
    }

    /// Reads the header only.
    public func info(_ source: [UInt8]) throws -> ImageInfo {
        try source.withUnsafeBytes { bytes in
            let header = try VipsImage.load(bytes)
            let format = try checkSource(header, options: ProcessingOptions())
            return ImageInfo(
                width: header.width, height: header.int("page-height") ?? header.height, format: format,
                pages: header.int("n-pages") ?? 1, hasAlpha: header.hasAlpha, orientation: header.int("orientation") ?? 1
            )
        }
    }

    /// Type and resolution limits, from the header alone: nothing is decoded yet.
    private func checkSource(_ header: VipsImage, options: ProcessingOptions) throws -> ImageFormat {
        guard let loader = header.string("vips-loader"), let format = ImageFormat(loader: loader) else {
            throw ServiceError(.unprocessable, "source is not a supported image (jpeg, png, webp, avif, gif or tiff)")
        }
        if !settings.allowedMimeTypes.isEmpty && !settings.allowedMimeTypes.contains(format.mimeType) {
            throw ServiceError(.unprocessable, "source type \(format.mimeType) is not allowed")
        }
        let megapixels = Double(header.width) * Double(header.height) / 1_000_000
        let limit = options.maxSrcResolution ?? settings.maxSrcResolution
        if megapixels > limit {
            throw ServiceError(.badRequest, "source resolution \(header.width)x\(header.height) (\(Self.format(megapixels)) MP) is over the \(Self.format(limit)) MP limit")
        }
        return format
    }

    private static func format(_ value: Double) -> String {
        value >= 10 ? String(Int(value.rounded())) : String((value * 100).rounded() / 100)
    }
}
