import CShim
import CVips
import ImgForgeCore

/// Runs the pipeline on source bytes. Receives bytes, never fetches.
public struct ImageProcessor: Sendable {
    /// Quality used when the options name none.
    public var defaultQuality: Int

    public init(defaultQuality: Int) throws {
        try Vips.start()
        self.defaultQuality = defaultQuality
    }

    public func process(_ source: [UInt8], options: ProcessingOptions) throws -> EncodedImage {
        try source.withUnsafeBytes { bytes in
            guard let sourceFormat = SourceFormat.sniff(bytes) else {
                throw ServiceError(.unprocessable, "source is not a supported image")
            }
            let image = try resize(bytes, options: options)
            let format = options.format ?? sourceFormat
            let encoded = try image.encode(suffix: Encoder.suffix(for: format, quality: options.quality ?? defaultQuality))
            return EncodedImage(bytes: encoded, format: format, width: image.width, height: image.height)
        }
    }

    /// Fit into the requested box with shrink-on-load; never upscales unless asked.
    private func resize(_ bytes: UnsafeRawBufferPointer, options: ProcessingOptions) throws -> VipsImage {
        // libvips wants both bounds; an unset side is unbounded.
        let unbounded = 10_000_000
        let width = options.width > 0 ? options.width : unbounded
        let height = options.height > 0 ? options.height : unbounded
        guard options.width > 0 || options.height > 0 else {
            return try VipsImage.load(bytes)
        }
        var output: UnsafeMutablePointer<CVips.VipsImage>?
        let size = options.enlarge ? VIPS_SIZE_BOTH : VIPS_SIZE_DOWN
        guard imgforge_vips_thumbnail_buffer(bytes.baseAddress, bytes.count, &output,
                                             Int32(width), Int32(height), Int32(size.rawValue), 0) == 0,
              let output
        else {
            throw ServiceError(.unprocessable, "cannot decode source image: \(Vips.takeError())")
        }
        return VipsImage(output)
    }
}
