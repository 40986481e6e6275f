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
            "watermark \(sources.watermarkPath ?? "-") \(watermark.map { Self.digest($0) } ?? "-")",
            "only-presets \(presets.onlyPresets)",
            // What decides whether a hit may be served at all: a change retires every cached answer
            // (a rotated key, a new allow-list or limit), since nginx serves hits without asking.
            "keys \(Self.digest(security.signer.keyPairs.map { Hex.encode($0.key) + ":" + Hex.encode($0.salt) }.joined(separator: ",")))",
            "signature-size \(security.signer.size) unsigned \(security.allowUnsigned) security-options \(security.allowSecurityOptions)",
            "secret \(security.secret.map { Self.digest($0) } ?? "-")",
            "allowed-sources \(sources.allowedSources.joined(separator: " "))",
            "addresses loopback=\(sources.allowLoopback) private=\(sources.allowPrivate) link-local=\(sources.allowLinkLocal)",
            "local-root \(sources.localFilesystemRoot ?? "-") s3 \(sources.s3.map { "\($0.endpoint ?? "-") \($0.region)" } ?? "-")",
            "mime \(limits.allowedMimeTypes.joined(separator: ",")) source-bytes \(limits.maxSrcFileSize) source-mp \(limits.maxSrcResolution) result \(limits.maxResultDimension)",
        ]
        for name in presets.presets.definitions.keys.sorted() {
            let options = presets.presets.definitions[name]!.map { ([$0.name] + $0.arguments).joined(separator: ":") }
            parts.append("preset \(name)=\(options.joined(separator: "/"))")
        }
        return String(Self.digest(parts.joined(separator: "\n")).prefix(12))
    }

    private static func digest(_ text: String) -> String {
        digest(Array(text.utf8))
    }

    private static func digest(_ bytes: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }
}
