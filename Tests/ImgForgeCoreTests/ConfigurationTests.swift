import ImgForgeCore
import Testing

struct ConfigurationTests {
    @Test func defaults() throws {
        let configuration = try Configuration(environment: [:], processorCount: 4)
        #expect(configuration.server.bind == .tcp(host: "127.0.0.1", port: 9000))
        #expect(configuration.server.workers == 8)
        #expect(configuration.security.allowUnsigned == false)
        #expect(configuration.security.signer.keyPairs.isEmpty)
        #expect(configuration.security.signer.size == 32)
        #expect(configuration.sources.localFilesystemRoot == nil)
        #expect(configuration.sources.allowPrivate && !configuration.sources.allowLoopback && !configuration.sources.allowLinkLocal)
        #expect(configuration.sources.s3 == nil)
        #expect(configuration.output.ttl == 31_536_000)
        #expect(configuration.output.quality == 85)
        #expect(configuration.output.defaultFormat == nil)
        #expect(configuration.server.logLevel == .info)
        #expect(configuration.cache.kind == nil)
    }

    @Test func theCacheFingerprintCoversTheWatermarksContent() throws {
        let configuration = try Configuration(environment: [:], processorCount: 2)
        let before = configuration.outputFingerprint(version: "1", watermark: [1, 2, 3])
        #expect(configuration.outputFingerprint(version: "1", watermark: [1, 2, 3]) == before)
        #expect(configuration.outputFingerprint(version: "1", watermark: [1, 2, 4]) != before, "a new image at the same path")
        #expect(configuration.outputFingerprint(version: "1") != before)
    }

    /// The audit's M4: whatever decides whether a hit may be served retires the cached answers when it changes.
    @Test(arguments: [
        ["IMGFORGE_KEY": "aabbcc", "IMGFORGE_SALT": "ddeeff"], ["IMGFORGE_SIGNATURE_SIZE": "16"], ["IMGFORGE_SECRET": "other"],
        ["IMGFORGE_ALLOWED_SOURCES": "https://images.example.com/"], ["IMGFORGE_ALLOW_LOOPBACK_SOURCES": "true"],
        ["IMGFORGE_ALLOW_PRIVATE_SOURCES": "false"], ["IMGFORGE_LOCAL_FILESYSTEM_ROOT": "/tmp"],
        ["IMGFORGE_ALLOWED_MIME_TYPES": "image/png"], ["IMGFORGE_MAX_SRC_RESOLUTION": "10"], ["IMGFORGE_MAX_SRC_FILE_SIZE": "1000"],
        ["IMGFORGE_ALLOW_UNSIGNED": "true"],
    ])
    func theFingerprintCoversAuthorisationAndLimits(change: [String: String]) throws {
        let base = ["IMGFORGE_KEY": "736563726574", "IMGFORGE_SALT": "68656C6C6F", "IMGFORGE_SECRET": "s3cret"]
        let before = try Configuration(environment: base, processorCount: 2).outputFingerprint(version: "1")
        let after = try Configuration(environment: base.merging(change) { _, new in new }, processorCount: 2).outputFingerprint(version: "1")
        #expect(before != after, "\(change)")
        #expect(before.count == 12 && before.allSatisfy(\.isHexDigit))
    }

    @Test func cacheCapacityIsBoundedByDefault() throws {
        let defaults = try Configuration(environment: [:], processorCount: 2).cache
        #expect(defaults.diskCapacity == .bytes(10 << 30) && defaults.memoryCapacity == .bytes(512 << 20))
        let unbounded = try Configuration(environment: ["IMGFORGE_CACHE_DISK_CAPACITY": "0"], processorCount: 2).cache
        #expect(unbounded.diskCapacity == nil)
    }

    @Test func bindForms() throws {
        #expect(BindAddress("unix:/run/imgforge/imgforge.sock") == .unix(path: "/run/imgforge/imgforge.sock"))
        #expect(BindAddress("127.0.0.1:9000") == .tcp(host: "127.0.0.1", port: 9000))
        #expect(BindAddress(":9000") == .tcp(host: "", port: 9000))
        #expect(BindAddress("[::1]:9000") == .tcp(host: "::1", port: 9000))
        #expect(BindAddress("unix:relative.sock") == nil)
        #expect(BindAddress("localhost") == nil)
        #expect(BindAddress("127.0.0.1:70000") == nil)
    }

    @Test func logLevelAcceptsTheSeedsFilterSyntax() throws {
        #expect(try Configuration(environment: ["IMGFORGE_LOG_LEVEL": "imgforge=debug,tower_http=info"]).server.logLevel == .debug)
        #expect(try Configuration(environment: ["IMGFORGE_LOG_LEVEL": "warn"]).server.logLevel == .warning)
    }

    @Test(arguments: [
        ("IMGFORGE_BIND", "nowhere"),
        ("IMGFORGE_WORKERS", "0"),
        ("IMGFORGE_WORKERS", "many"),
        ("IMGFORGE_TIMEOUT", "-1"),
        ("IMGFORGE_DOWNLOAD_TIMEOUT", "soon"),
        ("IMGFORGE_LOG_LEVEL", "loud"),
        ("IMGFORGE_ALLOW_UNSIGNED", "yes"),
        ("IMGFORGE_LOCAL_FILESYSTEM_ROOT", "relative/dir"),
        ("IMGFORGE_MAX_SRC_FILE_SIZE", "-5"),
        ("IMGFORGE_TTL", "forever"),
        ("IMGFORGE_QUALITY", "0"),
    ])
    func malformedValuesNameTheVariable(name: String, value: String) throws {
        let error = try #require(throws: ConfigurationError.self) { try Configuration(environment: [name: value]) }
        #expect(error.variable == name)
        #expect(error.description.contains(name) && error.description.contains("expected"))
    }
}

struct EncodingTests {
    @Test func base64URLRoundTrips() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 251) }
            let encoded = Base64URL.encode(bytes)
            #expect(!encoded.contains("=") && !encoded.contains("+") && !encoded.contains("/"))
            #expect(Base64URL.decode(encoded) == bytes)
        }
    }

    @Test func percentDecoding() {
        #expect("a%20b+c".percentDecoded == "a b+c")
        #expect("%E2%82%AC".percentDecoded == "€")
        #expect("%zz".percentDecoded == nil)
        #expect("%C3".percentDecoded == nil)
    }
}
