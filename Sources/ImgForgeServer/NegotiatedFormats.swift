import ImgForgeCore

/// Which negotiable output formats (AVIF, WebP) a client accepts, decided once per request: from
/// nginx's variant when the rendered configuration computed one, else from `Accept` by the same
/// rule as that configuration's `map` (the media type appears in the header), so hits and misses
/// always agree. The pipeline receives the set, never a header.
enum NegotiatedFormats {
    /// nginx's variant code of each negotiable format, in the order its `map` tries them.
    static let variants: [(code: String, format: ImageFormat)] = [("a", .avif), ("w", .webp)]

    static func acceptable(variant: String?, accept: String?) -> Set<ImageFormat> {
        if let variant {
            return Set(variants.filter { $0.code == variant }.map(\.format))
        }
        guard let accept = accept?.lowercased() else { return [] }
        return Set(variants.map(\.format).filter { accept.contains($0.mimeType) })
    }
}
