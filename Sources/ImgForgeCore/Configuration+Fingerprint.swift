import Crypto

extension Configuration {
    /// A short digest of every setting that changes the bytes of a result, so that cached
    /// entries made under other settings are never served (see doc/caching.md). `watermark` is
    /// the content of `IMGFORGE_WATERMARK_PATH`: a new image at the same path retires old results.
    public func outputFingerprint(version: String, watermark: [UInt8]? = nil) -> String {
        var parts = [
            "imgforge \(version)",
            "quality \(output.quality)",
            "format-quality " + output.formatQuality.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: ","),
            "default-format \(output.defaultFormat?.rawValue ?? "-")",
            "auto \(output.autoWebP) \(output.autoAVIF)",
            "animation-frames \(limits.maxAnimationFrames)",
            "watermark \(sources.watermarkPath ?? "-") \(watermark.map { Hex.encode(Array(SHA256.hash(data: $0))) } ?? "-")",
            "only-presets \(presets.onlyPresets)",
        ]
        for name in presets.presets.definitions.keys.sorted() {
            let options = presets.presets.definitions[name]!.map { ([$0.name] + $0.arguments).joined(separator: ":") }
            parts.append("preset \(name)=\(options.joined(separator: "/"))")
        }
        let digest = SHA256.hash(data: Array(parts.joined(separator: "\n").utf8))
        return Hex.encode(digest.prefix(6))
    }
}
