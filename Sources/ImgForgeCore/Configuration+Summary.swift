extension Configuration {
    /// Every variable with its effective value, secrets masked: what `imgforge check` prints.
    public var summary: [(variable: String, value: String)] {
        func masked(_ secret: String?) -> String { secret == nil ? "(unset)" : "**** (set)" }
        func list(_ items: [String]) -> String { items.isEmpty ? "(any)" : items.joined(separator: ",") }
        func optional<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "(unset)" }
        let pairs = security.signer.keyPairs.count
        return [
            ("IMGFORGE_BIND", server.bind.description),
            ("IMGFORGE_WORKERS", "\(server.workers)"),
            ("IMGFORGE_WORKER_THREADS", "\(server.workerThreads) (\(server.workerProcesses) worker processes)"),
            ("IMGFORGE_WORKER_MAX_REQUESTS", server.workerMaxRequests == 0 ? "0 (never)" : "\(server.workerMaxRequests)"),
            ("IMGFORGE_WORKER_MAX_MEMORY", server.workerMaxMemory == 0 ? "0 (no limit)" : "\(server.workerMaxMemory) bytes"),
            ("IMGFORGE_QUEUE_SIZE", server.queueSize == 0 ? "0 (no limit)" : "\(server.queueSize)"),
            ("IMGFORGE_TIMEOUT", "\(server.timeout) s"),
            ("IMGFORGE_DOWNLOAD_TIMEOUT", "\(sources.downloadTimeout) s"),
            ("IMGFORGE_LOG_LEVEL", server.logFilter.description),
            ("IMGFORGE_LOG_FORMAT", server.logFormat.rawValue),
            ("IMGFORGE_STATUS_BIND", server.statusBind.map(\.description) ?? "(unset: workers answer /status)"),
            ("IMGFORGE_PROMETHEUS_BIND", optional(server.prometheusBind)),
            ("IMGFORGE_METRICS_ALLOW", server.metricsAllow.joined(separator: ",")),
            ("IMGFORGE_KEY", pairs == 0 ? "(unset)" : "**** (\(pairs) key\(pairs == 1 ? "" : "s"))"),
            ("IMGFORGE_SALT", pairs == 0 ? "(unset)" : "**** (\(pairs) salt\(pairs == 1 ? "" : "s"))"),
            ("IMGFORGE_SIGNATURE_SIZE", "\(security.signer.size)"),
            ("IMGFORGE_ALLOW_UNSIGNED", "\(security.allowUnsigned)"),
            ("IMGFORGE_SECRET", masked(security.secret)),
            ("IMGFORGE_ALLOW_SECURITY_OPTIONS", "\(security.allowSecurityOptions)"),
            ("IMGFORGE_RATE_LIMIT_PER_MINUTE", server.rateLimitPerMinute == 0 ? "0 (no limit)" : "\(server.rateLimitPerMinute)"),
            ("IMGFORGE_MAX_SRC_FILE_SIZE", limits.maxSrcFileSize == 0 ? "0 (no limit)" : "\(limits.maxSrcFileSize) bytes"),
            ("IMGFORGE_MAX_SRC_RESOLUTION", "\(limits.maxSrcResolution) MP"),
            ("IMGFORGE_MAX_RESULT_DIMENSION", limits.maxResultDimension == 0 ? "0 (no limit)" : "\(limits.maxResultDimension) px"),
            ("IMGFORGE_MAX_ANIMATION_FRAMES", "\(limits.maxAnimationFrames)"),
            ("IMGFORGE_ALLOWED_MIME_TYPES", list(limits.allowedMimeTypes)),
            ("IMGFORGE_ALLOWED_SOURCES", list(sources.allowedSources)),
            ("IMGFORGE_ALLOW_LOOPBACK_SOURCES", "\(sources.allowLoopback)"),
            ("IMGFORGE_ALLOW_PRIVATE_SOURCES", "\(sources.allowPrivate)"),
            ("IMGFORGE_ALLOW_LINK_LOCAL_SOURCES", "\(sources.allowLinkLocal)"),
            ("IMGFORGE_MAX_REDIRECTS", "\(sources.maxRedirects)"),
            ("IMGFORGE_LOCAL_FILESYSTEM_ROOT", sources.localFilesystemRoot ?? "(unset: local sources off)"),
            ("IMGFORGE_S3_ENDPOINT", sources.s3 == nil ? "(unset: s3 sources off)" : sources.s3?.endpoint ?? "(AWS default)"),
            ("IMGFORGE_S3_REGION", optional(sources.s3?.region)),
            ("AWS_ACCESS_KEY_ID", optional(sources.s3?.accessKeyID)),
            ("AWS_SECRET_ACCESS_KEY", masked(sources.s3?.secretAccessKey)),
            ("IMGFORGE_WATERMARK_PATH", optional(sources.watermarkPath)),
            ("IMGFORGE_DEFAULT_FORMAT", output.defaultFormat?.rawValue ?? "(source format)"),
            ("IMGFORGE_QUALITY", "\(output.quality)"),
            ("IMGFORGE_FORMAT_QUALITY", output.formatQuality.isEmpty ? "(unset)"
                : output.formatQuality.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: ",")),
            ("IMGFORGE_AUTO_WEBP", "\(output.autoWebP)"),
            ("IMGFORGE_AUTO_AVIF", "\(output.autoAVIF)"),
            ("IMGFORGE_TTL", "\(output.ttl) s"),
            ("IMGFORGE_PRESETS", presets.presets.definitions.isEmpty ? "(none)" : presets.presets.definitions.keys.sorted().joined(separator: ",")),
            ("IMGFORGE_PRESETS_PATH", optional(presets.presetsPath)),
            ("IMGFORGE_ONLY_PRESETS", "\(presets.onlyPresets)"),
            ("IMGFORGE_CACHE_TYPE", cache.kind?.rawValue ?? "(unset: no cache)"),
            ("IMGFORGE_CACHE_MEMORY_PATH", cache.memoryPath),
            ("IMGFORGE_CACHE_MEMORY_CAPACITY", optional(cache.memoryCapacity)),
            ("IMGFORGE_CACHE_DISK_PATH", optional(cache.diskPath)),
            ("IMGFORGE_CACHE_DISK_CAPACITY", optional(cache.diskCapacity)),
        ]
    }
}
