import Foundation
import ImgForgeCore

/// Which format to encode, and whether the choice depended on `Accept`.
struct OutputFormat: Equatable {
    var format: ImageFormat
    /// The answer must carry `Vary: Accept`.
    var negotiated: Bool

    /// The URL's format wins; then AVIF or WebP when enabled and accepted; then the
    /// configured default; then the source's own format.
    static func choose(options: ProcessingOptions, source: ImageFormat, accept: String?, settings: ProcessingSettings) -> OutputFormat {
        if let format = options.format { return OutputFormat(format: format, negotiated: false) }
        let negotiating = settings.autoAVIF || settings.autoWebP
        let accepted = acceptedTypes(accept)
        if settings.autoAVIF && accepted.contains("image/avif") { return OutputFormat(format: .avif, negotiated: true) }
        if settings.autoWebP && accepted.contains("image/webp") { return OutputFormat(format: .webp, negotiated: true) }
        return OutputFormat(format: settings.defaultFormat ?? source, negotiated: negotiating)
    }

    /// Media types in an `Accept` header, without parameters; `q=0` excludes a type.
    static func acceptedTypes(_ header: String?) -> Set<String> {
        guard let header else { return [] }
        var types: Set<String> = []
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first, !type.isEmpty else { continue }
            let refused = parts.dropFirst().contains { $0.replacingOccurrences(of: " ", with: "").hasPrefix("q=0") && (Double($0.split(separator: "=").last ?? "") ?? 1) == 0 }
            if !refused { types.insert(type) }
        }
        return types
    }
}

/// Quality precedence: `quality` > `format_quality` > `IMGFORGE_FORMAT_QUALITY` > `IMGFORGE_QUALITY`.
func quality(for format: ImageFormat, options: ProcessingOptions, settings: ProcessingSettings) -> Int {
    options.quality ?? options.formatQuality[format] ?? settings.formatQuality[format] ?? settings.defaultQuality
}
