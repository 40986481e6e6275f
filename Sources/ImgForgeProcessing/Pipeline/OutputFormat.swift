import ImgForgeCore

/// Which format to encode, and whether the choice depended on `Accept`.
struct OutputFormat: Equatable {
    var format: ImageFormat
    /// The answer must carry `Vary: Accept`.
    var negotiated: Bool

    /// The URL's format wins; then AVIF or WebP when enabled and acceptable to the client; then
    /// the configured default; then the source's own format.
    static func choose(options: ProcessingOptions, source: ImageFormat, acceptable: Set<ImageFormat>, settings: ProcessingSettings) -> OutputFormat {
        if let format = options.format { return OutputFormat(format: format, negotiated: false) }
        let negotiating = settings.autoAVIF || settings.autoWebP
        if settings.autoAVIF && acceptable.contains(.avif) { return OutputFormat(format: .avif, negotiated: true) }
        if settings.autoWebP && acceptable.contains(.webp) { return OutputFormat(format: .webp, negotiated: true) }
        return OutputFormat(format: settings.defaultFormat ?? source, negotiated: negotiating)
    }
}

/// Quality precedence: `quality` > `format_quality` > `IMGFORGE_FORMAT_QUALITY` > `IMGFORGE_QUALITY`.
func quality(for format: ImageFormat, options: ProcessingOptions, settings: ProcessingSettings) -> Int {
    options.quality ?? options.formatQuality[format] ?? settings.formatQuality[format] ?? settings.defaultQuality
}
