import Logging

/// Every setting of the service, read once at start from the environment and
/// passed down as one immutable value. Each group is what one part needs.
public struct Configuration: Sendable {
    public var server: ServerSettings
    public var security: SecuritySettings
    public var limits: LimitSettings
    public var sources: SourceSettings
    public var output: OutputSettings
    public var presets: PresetSettings
    public var cache: CacheSettings
}

public struct ServerSettings: Sendable {
    /// Listening address when no socket is inherited on fd 0.
    public var bind: BindAddress
    /// Concurrent image operations, over all worker processes.
    public var workers: Int
    /// Image operations one worker process runs at once: what one crash can take down.
    public var workerThreads: Int
    /// A worker process is replaced after serving this many requests; 0 means never.
    public var workerMaxRequests: Int
    /// A worker process is replaced once its resident memory passes this many bytes; 0 means never.
    public var workerMaxMemory: Int
    /// Requests allowed to wait for a free worker; beyond it `429`. 0 means no limit.
    public var queueSize: Int
    /// Upper bound for one whole request (waiting, fetching, processing, encoding), in seconds.
    public var timeout: Double
    /// `IMGFORGE_LOG_LEVEL`: a default level and per-module levels.
    public var logFilter: LogFilter
    public var logFormat: LogFormat
    /// The default level of `logFilter`.
    public var logLevel: Logger.Level { logFilter.defaultLevel }

    /// How many worker processes make up the pool.
    public var workerProcesses: Int { (workers + workerThreads - 1) / workerThreads }
    /// Where the supervisor answers `/status` itself (even while every worker is busy); nil
    /// leaves `/status` to the workers.
    public var statusBind: BindAddress?
    /// A separate listener for `/metrics`, if any.
    public var prometheusBind: BindAddress?
    /// Client addresses or networks nginx lets read `/metrics` (and its own counters).
    public var metricsAllow: [String]
    /// Image requests allowed per minute; 0 means no limit.
    public var rateLimitPerMinute: Int
}

/// One line per event: `key=value` pairs (logfmt) or a JSON object.
public enum LogFormat: String, Sendable {
    case logfmt, json
}

public struct SecuritySettings: Sendable {
    public var signer: URLSigner
    /// Accept `unsafe` in place of a signature.
    public var allowUnsigned: Bool
    /// `Authorization: Bearer <secret>` required on image, info and metrics requests.
    public var secret: String?
    /// Let URLs set per-URL limits (`msr`, `msfs`, `mrd`, `maf`).
    public var allowSecurityOptions: Bool
}

public struct LimitSettings: Sendable {
    /// Largest source accepted, in bytes; 0 means no limit.
    public var maxSrcFileSize: Int
    /// Largest source accepted, in megapixels.
    public var maxSrcResolution: Double
    /// Largest result width or height; 0 means no limit.
    public var maxResultDimension: Int
    public var maxAnimationFrames: Int
    /// Source types accepted, sniffed from the bytes; empty accepts every supported type.
    public var allowedMimeTypes: [String]
}

public struct SourceSettings: Sendable {
    /// Upper bound for one source download, in seconds.
    public var downloadTimeout: Double
    /// URL prefixes a source must start with; empty allows any.
    public var allowedSources: [String]
    public var allowLoopback: Bool
    public var allowPrivate: Bool
    public var allowLinkLocal: Bool
    public var maxRedirects: Int
    /// Root for `local:///` sources; nil disables them.
    public var localFilesystemRoot: String?
    /// S3-compatible storage for `s3://` sources; nil disables them.
    public var s3: S3Settings?
    /// The default watermark image.
    public var watermarkPath: String?
    /// The HTTP(S) or SOCKS proxy client sources are fetched through (`IMGFORGE_PROXY`); nil
    /// fetches directly, whatever proxy variables the environment holds.
    public var proxy: String?
}

public struct S3Settings: Sendable {
    public var endpoint: String?
    public var region: String
    public var accessKeyID: String?
    public var secretAccessKey: String?

    public init(endpoint: String?, region: String, accessKeyID: String?, secretAccessKey: String?) {
        self.endpoint = endpoint
        self.region = region
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
    }
}

public struct OutputSettings: Sendable {
    /// Format used when the URL names none; nil keeps the source's.
    public var defaultFormat: ImageFormat?
    /// Default quality of lossy encoders.
    public var quality: Int
    public var formatQuality: [ImageFormat: Int]
    public var autoWebP: Bool
    public var autoAVIF: Bool
    /// Whether the output format follows `Accept`, so every cached answer varies by it.
    public var negotiatesFormat: Bool { autoAVIF || autoWebP }
    /// `Cache-Control: max-age` of image responses, in seconds.
    public var ttl: Int
}

public struct PresetSettings: Sendable {
    public var presets: Presets
    /// The file the presets were partly read from, if any.
    public var presetsPath: String?
    /// URLs name presets only: the first segment after the signature is `name[:name…]`.
    public var onlyPresets: Bool
}

public struct CacheSettings: Sendable {
    public enum Kind: String, Sendable {
        case memory, disk, hybrid
    }

    /// nil: no cache.
    public var kind: Kind?
    /// The RAM-backed directory of `memory` and `hybrid`.
    public var memoryPath: String
    public var memoryCapacity: Capacity?
    public var diskPath: String?
    public var diskCapacity: Capacity?
    /// Flush each disk entry to the device before renaming it into place.
    public var fsync = true
}

/// A cache bound: a number of entries, or a size in bytes.
public enum Capacity: Equatable, Sendable, CustomStringConvertible {
    case entries(Int)
    case bytes(Int)

    /// `10000` (entries) or `20GB`, `512MiB`, `1.5G` (bytes).
    public init?(_ text: String) {
        if let count = Int(text), count > 0 {
            self = .entries(count)
            return
        }
        let units: [(String, Double)] = [
            ("KIB", 0x1p10), ("MIB", 0x1p20), ("GIB", 0x1p30), ("TIB", 0x1p40),
            ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12),
            ("K", 0x1p10), ("M", 0x1p20), ("G", 0x1p30), ("T", 0x1p40), ("B", 1),
        ]
        let upper = text.uppercased()
        for (suffix, factor) in units where upper.hasSuffix(suffix) {
            guard let number = Double(upper.dropLast(suffix.count)), number > 0, number * factor < 9e18 else { return nil }
            self = .bytes(Int(number * factor))
            return
        }
        return nil
    }

    public var description: String {
        switch self {
        case .entries(let count): "\(count) entries"
        case .bytes(let bytes): "\(bytes) bytes"
        }
    }
}
