import Foundation
import ImgForgeCache
import ImgForgeCore

/// Builds the cache the configuration asks for, and the names the server and nginx share.
public enum CacheSetup {
    /// File extensions of cached results, in the order nginx tries them (most common first).
    public static let extensions = ImageFormat.allCases.map(\.fileExtension)

    public static func tiers(_ settings: CacheSettings) -> [CacheTier] {
        func capacity(_ value: Capacity?) -> CacheCapacity? {
            switch value {
            case .entries(let count): .entries(count)
            case .bytes(let bytes): .bytes(bytes)
            case nil: nil
            }
        }
        let memory = CacheTier(kind: .memory, root: settings.memoryPath, capacity: capacity(settings.memoryCapacity))
        let disk = settings.diskPath.map { CacheTier(kind: .disk, root: $0, capacity: capacity(settings.diskCapacity)) }
        switch settings.kind {
        case nil: return []
        case .memory: return [memory]
        case .disk: return disk.map { [$0] } ?? []
        case .hybrid: return [memory] + (disk.map { [$0] } ?? [])
        }
    }

    /// nil when no cache is configured. `serving` points `current` at these settings (imgforge
    /// serve); `imgforge cache prune` opens the cache without touching what the server uses.
    public static func make(_ configuration: Configuration, version: String, serving: Bool = true) throws -> DiskCache? {
        let tiers = tiers(configuration.cache)
        guard !tiers.isEmpty else { return nil }
        return try DiskCache(tiers: tiers, fingerprint: fingerprint(configuration, version: version),
                             extensions: extensions, serving: serving, durable: configuration.cache.fsync)
    }

    /// Names the cache directory of these settings; nginx's configuration passes it back with
    /// every miss, so imgforge can tell a configuration rendered from other settings (one without
    /// the bearer secret, say) and then never stores a file such an nginx would serve.
    public static func fingerprint(_ configuration: Configuration, version: String) -> String {
        let watermark = configuration.sources.watermarkPath.flatMap { FileManager.default.contents(atPath: $0) }.map { [UInt8]($0) }
        return configuration.outputFingerprint(version: version, watermark: watermark)
    }

    /// The file name nginx computes too: the signature, when it is long enough to be unique, or an
    /// unsigned URI in the strict form of `CacheKey(unsignedRequestURI:variant:)`. Nil for other
    /// unsigned URIs and short signatures, whose answers nginx keeps in its own cache instead.
    static func key(for path: ProcessingPath, requestURI: String, signatureSize: Int, variant: String) -> CacheKey? {
        if path.signature == "unsafe" { return CacheKey(unsignedRequestURI: requestURI, variant: variant) }
        guard signatureSize >= 16 else { return nil }
        return CacheKey(signature: path.signature, variant: variant)
    }
}
