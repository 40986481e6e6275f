// swift-tools-version:6.0
// The libFuzzer target of `make stress`, in a package of its own so that the main package builds
// and tests without -sanitize=fuzzer (libFuzzer brings its own main).
//   swift build -c release --sanitize=fuzzer   (from this directory)
import PackageDescription

let package = Package(
    name: "imgforge-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "imgforge", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "imgforge-url-fuzzer",
            dependencies: [
                .product(name: "ImgForgeCore", package: "imgforge"),
                .product(name: "ImgForgeProcessing", package: "imgforge"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
