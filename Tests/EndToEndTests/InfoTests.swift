import Foundation
import Testing

/// `/info/<signature>/<options>/<source>`: what the source is, for each format, and the size the
/// options would give it; signed and authorised like image URLs.
@Suite(.serviceStack(["IMGFORGE_KEY": testKey, "IMGFORGE_SALT": testSalt, "IMGFORGE_ALLOW_UNSIGNED": "false"]))
struct InfoTests {
    private func info(_ options: String, _ source: String) throws -> [String: Any] {
        let stack = try currentStack()
        let path = try signed("\(options.isEmpty ? "" : "/\(options)")/plain/local:///\(source)")
        let response = try stack.get("/info\(path)")
        guard response.status == 200 else { throw TestFailure("\(source) answered \(response.status): \(response.text)") }
        #expect(response.header("Content-Type") == "application/json")
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else { throw TestFailure("not a JSON object") }
        return object
    }

    @Test(arguments: [
        ("jpg", "image/jpeg", false), ("png", "image/png", true), ("webp", "image/webp", true), ("avif", "image/avif", true), ("tif", "image/tiff", false),
    ])
    func eachFormatIsDescribed(suffix: String, mime: String, alpha: Bool) throws {
        let stack = try currentStack()
        let bytes = try TestImage.encode(width: 120, height: 80, bands: alpha ? 4 : 3, suffix: ".\(suffix)") { x, _ in Array([UInt8(x), 100, 50, 200].prefix(alpha ? 4 : 3)) }
        try stack.writeLocalOnce("info.\(suffix)") { bytes }
        let answer = try info("rs:fit:60:60", "info.\(suffix)")
        #expect(answer["width"] as? Int == 120 && answer["height"] as? Int == 80)
        #expect(answer["mime_type"] as? String == mime && answer["pages"] as? Int == 1)
        #expect(answer["has_alpha"] as? Bool == alpha, "\(suffix): \(answer)")
        #expect(answer["color_space"] as? String == "srgb" && answer["orientation"] as? Int == 1)
        #expect(answer["bytes"] as? Int == bytes.count)
        let result = answer["result"] as? [String: Int]
        #expect(result?["width"] == 60 && result?["height"] == 40, "\(answer)")
    }

    @Test func animationsReportFramesAndDelays() throws {
        let stack = try currentStack()
        try stack.writeLocalOnce("info-anim.gif") {
            try TestAnimation.encode([(255, 0, 0), (0, 255, 0)], width: 40, height: 30, delays: [120, 80], loop: 3, suffix: ".gif")
        }
        let answer = try info("", "info-anim.gif")
        #expect(answer["format"] as? String == "gif" && answer["pages"] as? Int == 2)
        #expect(answer["width"] as? Int == 40 && answer["height"] as? Int == 30, "one frame's size")
        #expect(answer["frame_delays"] as? [Int] == [120, 80] && answer["loop"] as? Int == 3, "\(answer)")
    }

    @Test func orientationGreyAndTheResultSize() throws {
        let stack = try currentStack()
        try stack.writeLocalOnce("info-turned.jpg") {
            try TestImage.encode(width: 100, height: 50, bands: 3, suffix: ".jpg", orientation: 6) { _, _ in [10, 20, 30] }
        }
        let turned = try info("rs:fill:20:20/pd:5", "info-turned.jpg")
        #expect(turned["orientation"] as? Int == 6)
        #expect((turned["result"] as? [String: Int]) == ["width": 30, "height": 30], "\(turned)")
        let portrait = try info("w:25", "info-turned.jpg")
        #expect((portrait["result"] as? [String: Int]) == ["width": 25, "height": 50], "displayed 50×100: \(portrait)")
        try stack.writeLocalOnce("info-grey.png") { try TestImage.encode(width: 10, height: 10, bands: 1, suffix: ".png") { _, _ in [128] } }
        #expect(try info("", "info-grey.png")["color_space"] as? String == "b-w")
    }

    @Test func svgIsDescribedFromTheSanitisedDocument() throws {
        let stack = try currentStack()
        try stack.writeLocalOnce("info.svg") { Array(SVGTests.hostile.utf8) }
        let answer = try info("", "info.svg")
        #expect(answer["format"] as? String == "svg" && answer["mime_type"] as? String == "image/svg+xml")
        #expect(answer["width"] as? Int == 100 && answer["height"] as? Int == 50, "\(answer)")
    }

    @Test func infoIsSignedLikeImages() throws {
        let stack = try currentStack()
        try stack.writeLocalOnce("info-signed.png") { try TestImage.encode(width: 10, height: 10, bands: 1, suffix: ".png") { _, _ in [128] } }
        #expect(try stack.get("/info/unsafe/plain/local:///info-signed.png").status == 403)
        #expect(try stack.get("/info/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/plain/local:///info-signed.png").status == 403)
    }
}
