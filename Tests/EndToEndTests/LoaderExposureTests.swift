import Foundation
import Testing

/// What libvips is allowed to parse (audit L6): only the served formats' loaders, only after the
/// magic bytes say which one, and never spilling decoded pixels into a temporary file.
/// TMPDIR points at a directory that does not exist, so a spill would fail the request.
@Suite(.serviceStack(["TMPDIR": "{stack}/no-such-dir", "IMGFORGE_MAX_SRC_RESOLUTION": "40"]))
struct LoaderExposureTests {
    @Test(arguments: [
        ("vips native", [0x08, 0xF2, 0xA6, 0xB6] + [UInt8](repeating: 0, count: 60)),
        ("ppm", Array("P6\n2 2\n255\n".utf8) + [UInt8](repeating: 200, count: 12)),
        ("radiance", Array("#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 2 +X 2\n".utf8) + [UInt8](repeating: 128, count: 16)),
        ("fits", Array(("SIMPLE  =                    T" + String(repeating: " ", count: 50)).utf8)),
        ("jpeg 2000", [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A] + [UInt8](repeating: 0, count: 40)),
        ("csv", Array("1,2,3\n4,5,6\n".utf8)),
        ("big tiff", [0x49, 0x49, 0x2B, 0x00, 0x08, 0x00, 0x00, 0x00] + [UInt8](repeating: 0, count: 40)),
    ] as [(String, [UInt8])])
    func otherFormatsNeverReachALoader(name: String, bytes: [UInt8]) throws {
        let stack = try currentStack()
        let file = "other-\(name.replacingOccurrences(of: " ", with: "-")).img"
        try stack.writeLocal(file, bytes)
        let response = try stack.get("/unsafe/w:50/plain/local:///\(file)")
        #expect(response.status == 422, "\(name): \(response.status) \(response.text)")
        #expect(response.text.contains("not a supported image"), "\(name): \(response.text)")
    }

    @Test func bytesThatLieAboutTheirFormatAreRefused() throws {
        let stack = try currentStack()
        // A PNG signature in front of a JPEG: the PNG loader finds no PNG, and no other loader is asked.
        let jpeg = try TestImage.quadrants(width: 64, height: 48, suffix: ".jpg")
        try stack.writeLocal("lying.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + jpeg)
        let response = try stack.get("/unsafe/w:50/plain/local:///lying.png")
        #expect(response.status == 422, "\(response.status) \(response.text)")
    }

    /// Each served format is read by its own loader, called by name: the quadrants come through.
    @Test(arguments: [".jpg", ".png", ".webp", ".gif", ".avif", ".tif"])
    func everyServedFormatIsReadByItsOwnLoader(suffix: String) throws {
        let stack = try currentStack()
        try stack.writeLocal("own\(suffix)", try TestImage.quadrants(width: 32, height: 24, suffix: suffix))
        let response = try stack.get("/unsafe/w:16/plain/local:///own\(suffix)@png")
        #expect(response.status == 200, "\(suffix): \(response.status) \(response.text)")
        let image = try TestImage(decoding: response.body)
        #expect(image.width == 16 && image.height == 12, "\(suffix): \(image.width)×\(image.height)")
        #expect(image.colourName(3, 3) == "red" && image.colourName(12, 9) == "yellow", "\(suffix)")
    }

    @Test func aJPEGSignatureInFrontOfAnotherFormatIsRefused() throws {
        let stack = try currentStack()
        let png = try TestImage.quadrants(width: 64, height: 48, suffix: ".png")
        try stack.writeLocal("lying.jpg", [0xFF, 0xD8, 0xFF] + png)
        let response = try stack.get("/unsafe/w:50/plain/local:///lying.jpg")
        #expect(response.status == 422, "\(response.status) \(response.text)")
        #expect(response.text.contains("not a valid jpeg"), "\(response.text)")
    }

    /// 36 MP of 8-bit RGB decodes to 108 MB, over libvips' 100 MB threshold for decoding into a
    /// temporary file: both the streamed path (a plain resize) and the whole-image one (a quarter
    /// turn) decode in memory.
    @Test(arguments: ["rs:fit:200:200", "rot:90/rs:fit:200:200", "t:10/w:200"])
    func largeDecodesNeverSpillToATemporaryFile(options: String) throws {
        let stack = try currentStack()
        // One file per case: the cases run at once.
        let name = "36mp-\(options.filter(\.isLetter)).png"
        _ = try run("vips", ["black", stack.localRoot.appendingPathComponent(name).path, "6000", "6000", "--bands", "3"])
        let response = try stack.get("/unsafe/\(options)/plain/local:///\(name)")
        #expect(response.status == 200, "\(options): \(response.status) \(response.text) \(stack.imgforgeLog.suffix(600))")
        #expect(try TestImage(decoding: response.body).width == 200, "\(options)")
    }

    /// Few-KB files that declare gigapixels, thousands of frames or thousands of JPEG scans (made
    /// by the stress kit's generator): refused from their headers or bytes, quickly, while the
    /// service keeps answering. Text and profile chunks that inflate to hundreds of MB do not
    /// stop a 16×16 image from being served.
    @Test func decompressionBombsAreRefusedQuickly() throws {
        let stack = try currentStack()
        let directory = stack.localRoot.appendingPathComponent("bombs")
        _ = try run("python3", [ServiceStack.repository.appendingPathComponent("stress/hostile_images.py").path, directory.path, "--only", "bombs"])
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names.count >= 10)
        for name in names {
            let started = Date()
            let response = try stack.get("/unsafe/w:100/plain/local:///bombs/\(name)")
            let seconds = Date().timeIntervalSince(started)
            print("bomb | \(name) | \(response.status) | \(String(format: "%.2f", seconds)) s | \(response.status == 200 ? "served" : response.text.prefix(90))")
            let harmlessChunks = name.contains("ztxt") || name.contains("itxt") || name.contains("iccp")
            #expect(harmlessChunks ? response.status < 500 : (400..<500).contains(response.status), "\(name): \(response.status) \(response.text)")
            #expect(seconds < 5 * ServiceStack.slowdown, "\(name) took \(seconds) s")
        }
        #expect(try stack.get("/status").status == 200)
    }
}
