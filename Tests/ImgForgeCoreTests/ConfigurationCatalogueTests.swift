import ImgForgeCore
import Testing

/// Every variable of the specification is read and checked.
struct ConfigurationCatalogueTests {
    @Test func everyVariableIsRead() throws {
        let environment = [
            "IMGFORGE_BIND": "unix:/run/imgforge/imgforge.sock",
            "IMGFORGE_WORKERS": "3",
            "IMGFORGE_QUEUE_SIZE": "50",
            "IMGFORGE_TIMEOUT": "7.5",
            "IMGFORGE_DOWNLOAD_TIMEOUT": "2",
            "IMGFORGE_LOG_LEVEL": "error",
            "IMGFORGE_LOG_FORMAT": "json",
            "IMGFORGE_PROMETHEUS_BIND": "127.0.0.1:9464",
            "IMGFORGE_KEY": "736563726574,6b657932",
            "IMGFORGE_SALT": "68656C6C6F,73616c7432",
            "IMGFORGE_SIGNATURE_SIZE": "8",
            "IMGFORGE_ALLOW_UNSIGNED": "t",
            "IMGFORGE_SECRET": "s3cret",
            "IMGFORGE_ALLOW_SECURITY_OPTIONS": "1",
            "IMGFORGE_RATE_LIMIT_PER_MINUTE": "600",
            "IMGFORGE_MAX_SRC_FILE_SIZE": "1000000",
            "IMGFORGE_MAX_SRC_RESOLUTION": "12.5",
            "IMGFORGE_MAX_RESULT_DIMENSION": "4000",
            "IMGFORGE_MAX_ANIMATION_FRAMES": "24",
            "IMGFORGE_ALLOWED_MIME_TYPES": "image/jpeg, image/png",
            "IMGFORGE_ALLOWED_SOURCES": "https://img.example.com/,local:///",
            "IMGFORGE_ALLOW_LOOPBACK_SOURCES": "true",
            "IMGFORGE_ALLOW_PRIVATE_SOURCES": "false",
            "IMGFORGE_ALLOW_LINK_LOCAL_SOURCES": "true",
            "IMGFORGE_MAX_REDIRECTS": "3",
            "IMGFORGE_LOCAL_FILESYSTEM_ROOT": "/tmp",
            "IMGFORGE_S3_ENDPOINT": "http://127.0.0.1:9000",
            "IMGFORGE_S3_REGION": "eu-west-1",
            "AWS_ACCESS_KEY_ID": "AKIA",
            "AWS_SECRET_ACCESS_KEY": "hidden",
            "IMGFORGE_DEFAULT_FORMAT": "webp",
            "IMGFORGE_QUALITY": "70",
            "IMGFORGE_FORMAT_QUALITY": "jpeg=80,avif=50",
            "IMGFORGE_AUTO_WEBP": "true",
            "IMGFORGE_AUTO_AVIF": "true",
            "IMGFORGE_TTL": "3600",
            "IMGFORGE_PRESETS": "thumb=rs:fill:100:100/q:70,default=q:90",
            "IMGFORGE_PRESETS_PATH": "/presets.conf",
            "IMGFORGE_ONLY_PRESETS": "true",
            "IMGFORGE_CACHE_TYPE": "hybrid",
            "IMGFORGE_CACHE_MEMORY_CAPACITY": "512MiB",
            "IMGFORGE_CACHE_DISK_PATH": "/var/cache/imgforge",
            "IMGFORGE_CACHE_DISK_CAPACITY": "20GB",
        ]
        let files = ["/presets.conf": "# big ones\nlarge=rs:fit:2000:2000 # trailing comment\n\nsquare=rs:fill:500:500/g:sm\n"]
        let c = try Configuration(environment: environment, readFile: { files[$0] })
        #expect(c.server.bind == .unix(path: "/run/imgforge/imgforge.sock"))
        #expect(c.server.workers == 3 && c.server.queueSize == 50 && c.server.timeout == 7.5)
        #expect(c.server.logLevel == .error && c.server.logFormat == .json)
        #expect(c.server.prometheusBind == .tcp(host: "127.0.0.1", port: 9464))
        #expect(c.server.rateLimitPerMinute == 600)
        #expect(c.security.signer.keyPairs.count == 2 && c.security.signer.size == 8)
        #expect(c.security.signer.keyPairs[0].key == Array("secret".utf8))
        #expect(c.security.allowUnsigned && c.security.secret == "s3cret" && c.security.allowSecurityOptions)
        #expect(c.limits.maxSrcFileSize == 1_000_000 && c.limits.maxSrcResolution == 12.5)
        #expect(c.limits.maxResultDimension == 4000 && c.limits.maxAnimationFrames == 24)
        #expect(c.limits.allowedMimeTypes == ["image/jpeg", "image/png"])
        #expect(c.sources.downloadTimeout == 2 && c.sources.maxRedirects == 3)
        #expect(c.sources.allowedSources == ["https://img.example.com/", "local:///"])
        #expect(c.sources.allowLoopback && !c.sources.allowPrivate && c.sources.allowLinkLocal)
        #expect(c.sources.localFilesystemRoot == "/tmp")
        #expect(c.sources.s3?.endpoint == "http://127.0.0.1:9000" && c.sources.s3?.region == "eu-west-1")
        #expect(c.sources.s3?.accessKeyID == "AKIA" && c.sources.s3?.secretAccessKey == "hidden")
        #expect(c.output.defaultFormat == .webp && c.output.quality == 70)
        #expect(c.output.formatQuality == [.jpeg: 80, .avif: 50])
        #expect(c.output.autoWebP && c.output.autoAVIF && c.output.ttl == 3600)
        #expect(Set(c.presets.presets.definitions.keys) == ["thumb", "default", "large", "square"])
        #expect(c.presets.onlyPresets)
        #expect(c.cache.kind == .hybrid && c.cache.diskPath == "/var/cache/imgforge")
        #expect(c.cache.memoryCapacity == .bytes(512 << 20) && c.cache.diskCapacity == .bytes(20_000_000_000))

        // `imgforge check` never shows a secret.
        let printed = c.summary.map { "\($0.variable)=\($0.value)" }.joined(separator: "\n")
        for secret in ["s3cret", "hidden", "736563726574", "68656C6C6F"] {
            #expect(!printed.contains(secret))
        }
        // Every variable of the specification is listed.
        let listed = Set(c.summary.map(\.variable))
        for name in specificationVariables {
            #expect(listed.contains(name), "\(name) is missing from imgforge check")
        }
    }

    @Test func capacityForms() {
        #expect(Capacity("10000") == .entries(10000))
        #expect(Capacity("20GB") == .bytes(20_000_000_000))
        #expect(Capacity("1GiB") == .bytes(1 << 30))
        #expect(Capacity("1.5G") == .bytes(3 << 29))
        #expect(Capacity("0") == nil)
        #expect(Capacity("lots") == nil)
        #expect(Capacity("-5MB") == nil)
    }

    @Test(arguments: [
        ("IMGFORGE_QUEUE_SIZE", "-1"),
        ("IMGFORGE_LOG_FORMAT", "xml"),
        ("IMGFORGE_PROMETHEUS_BIND", "unix:/tmp/metrics.sock"),
        ("IMGFORGE_KEY", "nothex"),
        ("IMGFORGE_KEY", "abc"),
        ("IMGFORGE_SALT", "zz"),
        ("IMGFORGE_SIGNATURE_SIZE", "0"),
        ("IMGFORGE_SIGNATURE_SIZE", "33"),
        ("IMGFORGE_ALLOW_SECURITY_OPTIONS", "maybe"),
        ("IMGFORGE_RATE_LIMIT_PER_MINUTE", "fast"),
        ("IMGFORGE_MAX_SRC_RESOLUTION", "0"),
        ("IMGFORGE_MAX_RESULT_DIMENSION", "-1"),
        ("IMGFORGE_MAX_ANIMATION_FRAMES", "0"),
        ("IMGFORGE_ALLOWED_MIME_TYPES", "jpeg"),
        ("IMGFORGE_ALLOWED_SOURCES", "example.com"),
        ("IMGFORGE_ALLOW_LOOPBACK_SOURCES", "2"),
        ("IMGFORGE_ALLOW_PRIVATE_SOURCES", "no"),
        ("IMGFORGE_ALLOW_LINK_LOCAL_SOURCES", "yes"),
        ("IMGFORGE_MAX_REDIRECTS", "101"),
        ("IMGFORGE_LOCAL_FILESYSTEM_ROOT", "/no/such/directory"),
        ("IMGFORGE_S3_ENDPOINT", "ftp://s3.local"),
        ("IMGFORGE_WATERMARK_PATH", "/no/such/watermark.png"),
        ("IMGFORGE_DEFAULT_FORMAT", "bmp"),
        ("IMGFORGE_FORMAT_QUALITY", "jpeg:80"),
        ("IMGFORGE_FORMAT_QUALITY", "jpeg=101"),
        ("IMGFORGE_AUTO_WEBP", "on"),
        ("IMGFORGE_AUTO_AVIF", "off"),
        ("IMGFORGE_PRESETS", "thumb"),
        ("IMGFORGE_PRESETS", "thumb=rs:fill:abc:1"),
        ("IMGFORGE_PRESETS", "loop=pr:loop"),
        ("IMGFORGE_PRESETS", "a=pr:b,b=pr:a"),
        ("IMGFORGE_PRESETS", "a=pr:missing"),
        ("IMGFORGE_PRESETS", "a=q:10,a=q:20"),
        ("IMGFORGE_PRESETS_PATH", "/no/such/presets"),
        ("IMGFORGE_ONLY_PRESETS", "sometimes"),
        ("IMGFORGE_CACHE_TYPE", "cloud"),
        ("IMGFORGE_CACHE_MEMORY_CAPACITY", "big"),
        ("IMGFORGE_CACHE_DISK_PATH", "relative/cache"),
        ("IMGFORGE_CACHE_DISK_CAPACITY", "-5"),
    ])
    func malformedValuesNameTheVariable(name: String, value: String) throws {
        var environment = [name: value]
        // Keys and salts come in pairs: give the other half so only the malformed one can fail.
        if name == "IMGFORGE_KEY" { environment["IMGFORGE_SALT"] = "00" }
        if name == "IMGFORGE_SALT" { environment["IMGFORGE_KEY"] = "00" }
        let error = try #require(throws: ConfigurationError.self) {
            try Configuration(environment: environment, readFile: { _ in nil })
        }
        #expect(error.variable == name, "\(error)")
        #expect(error.description.contains("expected"))
    }

    @Test func diskCacheNeedsAPath() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try Configuration(environment: ["IMGFORGE_CACHE_TYPE": "disk"])
        }
        #expect(error.variable == "IMGFORGE_CACHE_DISK_PATH" && error.description.contains("IMGFORGE_CACHE_TYPE"))
    }

    @Test func keysAndSaltsComeInPairs() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try Configuration(environment: ["IMGFORGE_KEY": "0102,0304", "IMGFORGE_SALT": "05"])
        }
        #expect(error.variable == "IMGFORGE_SALT")
    }

    @Test func presetFileErrorsNameTheFile() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try Configuration(environment: ["IMGFORGE_PRESETS_PATH": "/p"], readFile: { _ in "ok=q:50\nbad=w:huge\n" })
        }
        #expect(error.variable == "IMGFORGE_PRESETS_PATH")
        #expect(error.description.contains("bad"))
    }
}

/// The variables named by the product specification.
let specificationVariables = """
IMGFORGE_BIND IMGFORGE_WORKERS IMGFORGE_QUEUE_SIZE IMGFORGE_TIMEOUT IMGFORGE_DOWNLOAD_TIMEOUT IMGFORGE_LOG_LEVEL
IMGFORGE_PROMETHEUS_BIND IMGFORGE_KEY IMGFORGE_SALT IMGFORGE_SIGNATURE_SIZE IMGFORGE_ALLOW_UNSIGNED IMGFORGE_SECRET
IMGFORGE_ALLOW_SECURITY_OPTIONS IMGFORGE_RATE_LIMIT_PER_MINUTE IMGFORGE_MAX_SRC_FILE_SIZE IMGFORGE_MAX_SRC_RESOLUTION
IMGFORGE_MAX_RESULT_DIMENSION IMGFORGE_MAX_ANIMATION_FRAMES IMGFORGE_ALLOWED_MIME_TYPES IMGFORGE_ALLOWED_SOURCES
IMGFORGE_ALLOW_LOOPBACK_SOURCES IMGFORGE_ALLOW_PRIVATE_SOURCES IMGFORGE_ALLOW_LINK_LOCAL_SOURCES IMGFORGE_MAX_REDIRECTS
IMGFORGE_LOCAL_FILESYSTEM_ROOT IMGFORGE_S3_ENDPOINT IMGFORGE_S3_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
IMGFORGE_WATERMARK_PATH IMGFORGE_DEFAULT_FORMAT IMGFORGE_QUALITY IMGFORGE_FORMAT_QUALITY IMGFORGE_AUTO_WEBP
IMGFORGE_AUTO_AVIF IMGFORGE_TTL IMGFORGE_PRESETS IMGFORGE_PRESETS_PATH IMGFORGE_ONLY_PRESETS IMGFORGE_LOG_FORMAT
IMGFORGE_CACHE_TYPE IMGFORGE_CACHE_MEMORY_CAPACITY IMGFORGE_CACHE_DISK_PATH IMGFORGE_CACHE_DISK_CAPACITY
""".split(whereSeparator: \.isWhitespace).map(String.init)
