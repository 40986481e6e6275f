import Foundation
import Testing

/// How sources are decoded: shrink-on-load, colour profiles, metadata, refused loaders.
@Suite(.serviceStack())
struct SourceDecodingTests {
    /// Runs the libvips command-line tool, as a user preparing fixtures would.
    private func vips(_ arguments: String...) throws {
        _ = try run("vips", arguments)
    }

    @Test func bigJPEGIsDecodedShrunkForAThumbnail() throws {
        let stack = try currentStack()
        let path = stack.localRoot.appendingPathComponent("24mp.jpg").path
        try vips("black", path, "6000", "4000", "--bands", "3")
        let response = try stack.get("/unsafe/rs:fit:300:300/plain/local:///24mp.jpg")
        #expect(response.status == 200)
        #expect(try TestImage(decoding: response.body).width == 300)
        // The request's log line says how the 24 MP source was decoded.
        #expect(stack.imgforgeLog.contains("source=6000x4000") && stack.imgforgeLog.contains("shrink_on_load=8.0"), "\(stack.imgforgeLog.suffix(2000))")
    }

    @Test func colourProfilesAreConvertedToSRGB() throws {
        let stack = try currentStack()
        try stack.writeLocal("rgb.jpg", try TestImage.quadrants(width: 200, height: 100, suffix: ".jpg[Q=95]"))
        try vips("icc_transform", stack.localRoot.appendingPathComponent("rgb.jpg").path, stack.localRoot.appendingPathComponent("cmyk.jpg").path, "cmyk")
        let response = try stack.get("/unsafe/rs:fit:100:100/plain/local:///cmyk.jpg")
        #expect(response.status == 200)
        let image = try TestImage(decoding: response.body)
        #expect(image.bands == 3, "CMYK becomes sRGB")
        #expect(image.colourName(10, 10) == "red" && image.colourName(90, 40) == "yellow")
        #expect(response.body.firstRange(of: Array("ICC_PROFILE".utf8)) == nil, "the profile is stripped by default")
        let kept = try stack.get("/unsafe/rs:fit:100:100/scp:0/plain/local:///cmyk.jpg")
        #expect(kept.body.firstRange(of: Array("ICC_PROFILE".utf8)) != nil, "scp:0 keeps a colour profile")
    }

    @Test func copyrightSurvivesStrippingUnlessAskedOtherwise() throws {
        let stack = try currentStack()
        try stack.writeLocal("signed.jpg", try TestImage.encode(
            width: 64, height: 64, bands: 3, suffix: ".jpg",
            metadata: ["exif-ifd0-Copyright": "Jane Doe (Jane Doe, ASCII, 9 components, 9 bytes)", "exif-ifd0-Artist": "Someone (Someone, ASCII, 8 components, 8 bytes)"]
        ) { _, _ in [10, 20, 30] })
        let original = try Data(contentsOf: stack.localRoot.appendingPathComponent("signed.jpg"))
        #expect(original.firstRange(of: Data("Jane Doe".utf8)) != nil, "the fixture carries a copyright")
        let kept = try stack.get("/unsafe/w:32/plain/local:///signed.jpg")
        #expect(kept.body.firstRange(of: Array("Jane Doe".utf8)) != nil, "keep_copyright is on by default")
        #expect(kept.body.firstRange(of: Array("Someone".utf8)) == nil, "other EXIF fields are stripped")
        let dropped = try stack.get("/unsafe/w:32/kcr:0/plain/local:///signed.jpg")
        #expect(dropped.body.firstRange(of: Array("Jane Doe".utf8)) == nil)
        let everything = try stack.get("/unsafe/w:32/sm:0/plain/local:///signed.jpg")
        #expect(everything.body.firstRange(of: Array("Someone".utf8)) != nil, "sm:0 keeps the metadata")
    }

    @Test func untrustedLoadersAreRefused() throws {
        let stack = try currentStack()
        let pdf = "%PDF-1.1\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/MediaBox[0 0 100 100]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
        try stack.writeLocal("doc.pdf", Array(pdf.utf8))
        let response = try stack.get("/unsafe/w:50/plain/local:///doc.pdf")
        #expect(response.status == 422, "\(response.status) \(response.text)")
        // BMP is only readable through ImageMagick, which is blocked.
        var bmp: [UInt8] = Array("BM".utf8) + [70, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 24, 0]
        bmp += [UInt8](repeating: 0, count: 24) + [UInt8](repeating: 255, count: 16)
        try stack.writeLocal("old.bmp", bmp)
        #expect(try stack.get("/unsafe/w:50/plain/local:///old.bmp").status == 422)
    }
}
