// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "imgforge",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "imgforge", targets: ["imgforge"]),
        .executable(name: "imgforge-baseline", targets: ["imgforge-baseline"]),
        // For the fuzz target in fuzz/, a package of its own (built with -sanitize=fuzzer).
        .library(name: "ImgForgeCore", targets: ["ImgForgeCore"]),
        .library(name: "ImgForgeProcessing", targets: ["ImgForgeProcessing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.0.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.2.0"),
    ],
    targets: [
        // Bridges to the C libraries: headers only, no Swift.
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        // Variadic C functions and macros that Swift cannot call directly.
        .target(name: "CShim", dependencies: ["CVips", "CCurl"]),

        // Pure Swift: URL, options, configuration, errors. Imports no C module.
        .target(
            name: "ImgForgeCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Source bytes from http(s) and local files.
        .target(name: "ImgForgeFetch", dependencies: ["ImgForgeCore", "CCurl", "CShim"]),
        // The directory cache nginx serves from: stores bytes, knows nothing of images.
        .target(name: "ImgForgeCache"),
        // The libvips pipeline: bytes in, encoded bytes out.
        .target(name: "ImgForgeProcessing", dependencies: ["ImgForgeCore", "CVips", "CShim"]),
        // FastCGI loop, routing and responses.
        .target(
            name: "ImgForgeServer",
            dependencies: [
                "ImgForgeCore", "ImgForgeFetch", "ImgForgeProcessing", "ImgForgeCache", "CFastCGI", "CShim",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Atomics", package: "swift-atomics"),
            ]
        ),
        .executableTarget(
            name: "imgforge",
            dependencies: [
                "ImgForgeCore", "ImgForgeServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Benchmarks only: the miss path's image work in one process, the limit misses are measured against.
        .executableTarget(
            name: "imgforge-baseline",
            dependencies: [
                "ImgForgeCore", "ImgForgeProcessing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "ImgForgeCoreTests", dependencies: ["ImgForgeCore"]),
        .testTarget(name: "ImgForgeCacheTests", dependencies: ["ImgForgeCache"]),
        .testTarget(name: "ImgForgeFetchTests", dependencies: ["ImgForgeFetch", "ImgForgeCore"]),
        .testTarget(name: "ImgForgeProcessingTests", dependencies: ["ImgForgeProcessing", "ImgForgeCore"]),
        .testTarget(
            name: "ImgForgeServerTests",
            dependencies: ["ImgForgeServer", "ImgForgeCore", .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["ImgForgeProcessing", "ImgForgeCore", "CVips", "CShim", "imgforge"],
            exclude: ["Support/s3_fixture.py"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
