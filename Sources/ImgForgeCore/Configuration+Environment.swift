import Foundation

extension Configuration {
    /// Reads and checks every `IMGFORGE_*` variable; a malformed value throws
    /// a `ConfigurationError` naming the variable and the accepted form.
    /// `readFile` reads `IMGFORGE_PRESETS_PATH`.
    public init(
        environment: [String: String],
        processorCount: Int = 1,
        readFile: (String) -> String? = { try? String(contentsOfFile: $0, encoding: .utf8) }
    ) throws {
        try self.init(EnvironmentReader(environment: environment), processorCount: processorCount, readFile: readFile)
    }

    /// Every variable a configuration reads, whatever is set.
    static var variableNames: Set<String> {
        let names = VariableNames()
        _ = try? Configuration(EnvironmentReader(environment: [:], names: names), processorCount: 1, readFile: { _ in nil })
        return names.all
    }

    private init(_ env: EnvironmentReader, processorCount: Int, readFile: (String) -> String?) throws {
        server = try ServerSettings(env, processorCount: processorCount)
        security = try SecuritySettings(env)
        limits = try LimitSettings(env)
        sources = try SourceSettings(env)
        output = try OutputSettings(env)
        presets = try PresetSettings(env, readFile: readFile)
        cache = try CacheSettings(env)
    }
}

extension ServerSettings {
    init(_ env: EnvironmentReader, processorCount: Int) throws {
        bind = try env.bindAddress("IMGFORGE_BIND") ?? .tcp(host: "127.0.0.1", port: 9000)
        workers = try env.int("IMGFORGE_WORKERS", default: max(2, 2 * processorCount), range: 1...1024)
        workerThreads = try env.int("IMGFORGE_WORKER_THREADS", default: Self.defaultWorkerThreads, range: 1...1024)
        workerMaxRequests = try env.int("IMGFORGE_WORKER_MAX_REQUESTS", default: 10_000, range: 0...Int(Int32.max))
        workerMaxMemory = try env.bytes("IMGFORGE_WORKER_MAX_MEMORY", default: 512 << 20)
        queueSize = try env.int("IMGFORGE_QUEUE_SIZE", default: 10 * workers, range: 0...1_000_000)
        timeout = try env.seconds("IMGFORGE_TIMEOUT", default: 10)
        logFilter = try env.logFilter("IMGFORGE_LOG_LEVEL")
        logFormat = try env.oneOf("IMGFORGE_LOG_FORMAT", default: .logfmt,
                                  ["logfmt": .logfmt, "text": .logfmt, "pretty": .logfmt, "json": .json, "structured": .json])
        prometheusBind = try env.bindAddress("IMGFORGE_PROMETHEUS_BIND", tcpOnly: true)
        metricsAllow = try env.list("IMGFORGE_METRICS_ALLOW", expected: "comma-separated addresses or networks such as 127.0.0.1,10.0.0.0/8, or all") {
            NetworkPattern.isValid($0) ? $0.lowercased() : nil
        }
        if env.string("IMGFORGE_METRICS_ALLOW") == nil { metricsAllow = ["127.0.0.1", "::1"] }
        statusBind = try env.bindAddress("IMGFORGE_STATUS_BIND") ?? bind.statusSibling
        if let statusBind, statusBind == bind {
            throw ConfigurationError(variable: "IMGFORGE_STATUS_BIND", value: statusBind.description, expected: "an address other than IMGFORGE_BIND")
        }
        rateLimitPerMinute = try env.int("IMGFORGE_RATE_LIMIT_PER_MINUTE", default: 0, range: 0...100_000_000)
    }
}

extension ServerSettings {
    /// One image operation per process: a crash costs one request, and libvips' SIMD is safe
    /// again (doc/architecture.md has the measurements behind this choice).
    public static let defaultWorkerThreads = 1
}

extension SecuritySettings {
    init(_ env: EnvironmentReader) throws {
        let keys = try env.hexList("IMGFORGE_KEY")
        let salts = try env.hexList("IMGFORGE_SALT")
        guard keys.count == salts.count else {
            let name = keys.count > salts.count ? "IMGFORGE_SALT" : "IMGFORGE_KEY"
            throw ConfigurationError(
                variable: name, value: env.string(name) ?? "",
                expected: "as many comma-separated hex values as \(name == "IMGFORGE_SALT" ? "IMGFORGE_KEY" : "IMGFORGE_SALT") has (\(max(keys.count, salts.count)))"
            )
        }
        let size = try env.int("IMGFORGE_SIGNATURE_SIZE", default: 32, range: 1...32)
        signer = URLSigner(keyPairs: zip(keys, salts).map { URLSigner.KeyPair(key: $0, salt: $1) }, size: size)
        allowUnsigned = try env.bool("IMGFORGE_ALLOW_UNSIGNED", default: false)
        secret = env.string("IMGFORGE_SECRET")
        // It travels in an HTTP header and in nginx's configuration: printable ASCII only.
        if let secret, secret.isEmpty || !secret.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) {
            throw ConfigurationError(variable: "IMGFORGE_SECRET", value: "(hidden)", expected: "printable ASCII without spaces")
        }
        allowSecurityOptions = try env.bool("IMGFORGE_ALLOW_SECURITY_OPTIONS", default: false)
    }
}

extension LimitSettings {
    init(_ env: EnvironmentReader) throws {
        maxSrcFileSize = try env.int("IMGFORGE_MAX_SRC_FILE_SIZE", default: 64 << 20, range: 0...Int.max)
        maxSrcResolution = try env.double("IMGFORGE_MAX_SRC_RESOLUTION", default: 50, range: 0.000_001...1_000_000)
        maxResultDimension = try env.int("IMGFORGE_MAX_RESULT_DIMENSION", default: Self.defaultMaxResultDimension, range: 0...Int(Int32.max))
        maxAnimationFrames = try env.int("IMGFORGE_MAX_ANIMATION_FRAMES", default: 100, range: 1...100_000)
        allowedMimeTypes = try env.list("IMGFORGE_ALLOWED_MIME_TYPES", expected: "comma-separated MIME types such as image/jpeg,image/png") { item in
            let parts = item.split(separator: "/")
            return parts.count == 2 && parts.allSatisfy { !$0.isEmpty } ? item.lowercased() : nil
        }
    }
}

extension LimitSettings {
    /// Largest result side by default: about 67 MP at the most, a few seconds of encoding.
    public static let defaultMaxResultDimension = 8192
}

extension SourceSettings {
    init(_ env: EnvironmentReader) throws {
        downloadTimeout = try env.seconds("IMGFORGE_DOWNLOAD_TIMEOUT", default: 5)
        allowedSources = try env.list("IMGFORGE_ALLOWED_SOURCES", expected: "comma-separated URL prefixes such as https://images.example.com/") { item in
            ["http://", "https://", "local://", "s3://"].contains { item.lowercased().hasPrefix($0) } ? item : nil
        }
        allowLoopback = try env.bool("IMGFORGE_ALLOW_LOOPBACK_SOURCES", default: false)
        allowPrivate = try env.bool("IMGFORGE_ALLOW_PRIVATE_SOURCES", default: true)
        allowLinkLocal = try env.bool("IMGFORGE_ALLOW_LINK_LOCAL_SOURCES", default: false)
        maxRedirects = try env.int("IMGFORGE_MAX_REDIRECTS", default: 10, range: 0...100)
        localFilesystemRoot = try env.directory("IMGFORGE_LOCAL_FILESYSTEM_ROOT")
        let endpoint = env.string("IMGFORGE_S3_ENDPOINT")
        if let endpoint, !(endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://")) {
            throw ConfigurationError(variable: "IMGFORGE_S3_ENDPOINT", value: endpoint, expected: "an http:// or https:// URL")
        }
        let region = env.string("IMGFORGE_S3_REGION")
        let accessKeyID = env.string("AWS_ACCESS_KEY_ID"), secretAccessKey = env.string("AWS_SECRET_ACCESS_KEY")
        s3 = endpoint == nil && region == nil ? nil : S3Settings(
            endpoint: endpoint, region: region ?? "us-east-1", accessKeyID: accessKeyID, secretAccessKey: secretAccessKey
        )
        watermarkPath = try env.file("IMGFORGE_WATERMARK_PATH")
        proxy = env.string("IMGFORGE_PROXY")
        if let proxy, !["http://", "https://", "socks5://", "socks5h://"].contains(where: { proxy.lowercased().hasPrefix($0) }) {
            throw ConfigurationError(variable: "IMGFORGE_PROXY", value: proxy, expected: "an http://, https://, socks5:// or socks5h:// URL")
        }
    }
}

extension OutputSettings {
    init(_ env: EnvironmentReader) throws {
        let formats = Dictionary(uniqueKeysWithValues: ImageFormat.allCases.flatMap { format in
            [(format.rawValue, format), (format.fileExtension, format)]
        }.uniqued())
        defaultFormat = try env.oneOf("IMGFORGE_DEFAULT_FORMAT", default: nil, formats.mapValues { Optional($0) })
        quality = try env.int("IMGFORGE_QUALITY", default: 85, range: 1...100)
        formatQuality = try env.formatQuality("IMGFORGE_FORMAT_QUALITY")
        autoWebP = try env.bool("IMGFORGE_AUTO_WEBP", default: false)
        autoAVIF = try env.bool("IMGFORGE_AUTO_AVIF", default: false)
        ttl = try env.int("IMGFORGE_TTL", default: 31_536_000, range: 0...Int(Int32.max))
    }
}

extension PresetSettings {
    init(_ env: EnvironmentReader, readFile: (String) -> String?) throws {
        var presets = Presets()
        var fromFile: Set<String> = []
        if let list = env.string("IMGFORGE_PRESETS") {
            do {
                presets = try Presets.parse(list: list)
            } catch let error as PresetError {
                throw ConfigurationError(variable: "IMGFORGE_PRESETS", value: list, expected: "name=option/option,… (\(error))")
            }
        }
        if let path = env.string("IMGFORGE_PRESETS_PATH") {
            guard let contents = readFile(path) else {
                throw ConfigurationError(variable: "IMGFORGE_PRESETS_PATH", value: path, expected: "a readable file")
            }
            do {
                let filePresets = try Presets.parse(file: contents)
                for (name, options) in filePresets.definitions {
                    guard presets.definitions[name] == nil else { throw PresetError(preset: name, reason: "also defined in IMGFORGE_PRESETS") }
                    presets.definitions[name] = options
                    fromFile.insert(name)
                }
            } catch let error as PresetError {
                throw ConfigurationError(variable: "IMGFORGE_PRESETS_PATH", value: path, expected: "one name=option/option a line (\(error))")
            }
        }
        do {
            try OptionsParser(presets: presets).validatePresets()
        } catch let error as PresetError {
            let variable = fromFile.contains(error.preset) ? "IMGFORGE_PRESETS_PATH" : "IMGFORGE_PRESETS"
            throw ConfigurationError(variable: variable, value: env.string(variable) ?? "", expected: "valid presets (\(error))")
        }
        self.presets = presets
        presetsPath = env.string("IMGFORGE_PRESETS_PATH")
        onlyPresets = try env.bool("IMGFORGE_ONLY_PRESETS", default: false)
    }
}

extension CacheSettings {
    init(_ env: EnvironmentReader) throws {
        kind = try env.oneOf("IMGFORGE_CACHE_TYPE", default: nil, ["memory": .memory, "disk": .disk, "hybrid": .hybrid, "none": nil])
        memoryPath = try env.absolutePath("IMGFORGE_CACHE_MEMORY_PATH") ?? "/dev/shm/imgforge"
        // Bounded by default: a cache that grows until the disk (or RAM) is full takes the host down with it.
        memoryCapacity = try env.capacity("IMGFORGE_CACHE_MEMORY_CAPACITY", default: .bytes(512 << 20))
        diskPath = try env.absolutePath("IMGFORGE_CACHE_DISK_PATH")
        diskCapacity = try env.capacity("IMGFORGE_CACHE_DISK_CAPACITY", default: .bytes(10 << 30))
        fsync = try env.bool("IMGFORGE_CACHE_FSYNC", default: true)
        if kind == .disk || kind == .hybrid, diskPath == nil {
            throw ConfigurationError(variable: "IMGFORGE_CACHE_DISK_PATH", value: "", expected: "a directory when IMGFORGE_CACHE_TYPE is \(kind!.rawValue)")
        }
    }
}

extension Sequence {
    /// Keeps the first of each key.
    fileprivate func uniqued<Key: Hashable, Value>() -> [(Key, Value)] where Element == (Key, Value) {
        var seen: Set<Key> = []
        return filter { seen.insert($0.0).inserted }
    }
}
