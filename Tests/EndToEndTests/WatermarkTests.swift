import Foundation
import ImgForgeCore
import Testing

/// The watermark is drawn where, how strongly, how large and how often the URL says, from
/// IMGFORGE_WATERMARK_PATH or from watermark_url.
@Suite(.serialized)
struct WatermarkTests {
    /// A 40×20 opaque green watermark file, and a stack that uses it, with a 200×100 white source.
    private func stack(environment: [String: String] = [:], file: Bool = true) throws -> ServiceStack {
        var environment = environment
        if file {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("imgforge-wm-\(UUID().uuidString.prefix(8)).png").path
            let mark = try TestImage.encode(width: 40, height: 20, suffix: ".png") { _, _ in (0, 255, 0) }
            try Data(mark).write(to: URL(fileURLWithPath: path))
            environment["IMGFORGE_WATERMARK_PATH"] = path
        }
        let stack = try ServiceStack(environment: environment)
        try stack.writeLocal("white.png", try TestImage.encode(width: 200, height: 100, suffix: ".png") { _, _ in (255, 255, 255) })
        try stack.writeLocal("clear.png", try TestImage.encode(width: 200, height: 100, bands: 4, suffix: ".png") { _, _ in [0, 0, 0, 0] })
        return stack
    }

    private func image(_ stack: ServiceStack, _ options: String, _ source: String = "white.png@png") throws -> TestImage {
        let response = try stack.get("/unsafe/\(options)/plain/local:///\(source)")
        guard response.status == 200 else { throw TestFailure("\(options) answered \(response.status): \(response.text)") }
        return try TestImage(decoding: response.body)
    }

    @Test func positionOpacityScaleAndTiles() throws {
        let stack = try stack()
        defer { stack.stop() }
        let plain = try image(stack, "w:200")
        #expect(plain.colourName(100, 50) == "white", "nothing is drawn without wm")

        let southEast = try image(stack, "wm:1:soea")
        #expect(southEast.colourName(195, 95) == "green" && southEast.colourName(155, 95) == "white" && southEast.colourName(5, 5) == "white")
        let offset = try image(stack, "wm:1:nowe:10:5")
        #expect(offset.colourName(12, 7) == "green" && offset.colourName(5, 2) == "white" && offset.colourName(12, 27) == "white")

        let centre = try image(stack, "wm:1")
        #expect(centre.colourName(100, 50) == "green" && centre.colourName(75, 50) == "white" && centre.colourName(125, 50) == "white")
        let half = try image(stack, "wm:0.5").pixel(100, 50).map(Int.init)
        #expect(abs(half[0] - 128) <= 3 && half[1] >= 252 && abs(half[2] - 128) <= 3, "green at 50% over white: \(half)")

        // A box half the result's size: 100×50 (the watermark's 2:1 fits it exactly).
        let scaled = try image(stack, "wm:1:ce:0:0:0.5")
        #expect(scaled.colourName(55, 30) == "green" && scaled.colourName(145, 70) == "green" && scaled.colourName(45, 50) == "white")

        let tiled = try image(stack, "wm:1:re")
        for (x, y) in [(5, 5), (45, 5), (195, 95), (100, 50)] { #expect(tiled.colourName(x, y) == "green", "tile at \(x),\(y)") }
        // Offsets space the tiles: 40×20 marks every 50×30 pixels.
        let spaced = try image(stack, "wm:1:re:10:10")
        #expect(spaced.colourName(35, 15) == "green" && spaced.colourName(45, 15) == "white" && spaced.colourName(55, 15) == "green")
        #expect(spaced.colourName(20, 25) == "white" && spaced.colourName(20, 35) == "green")
    }

    @Test func opaqueResultsStayOpaqueAndTransparentOnesKeepAlpha() throws {
        let stack = try stack()
        defer { stack.stop() }
        let jpeg = try image(stack, "wm:1", "white.png@jpg")
        #expect(jpeg.bands == 3 && jpeg.colourName(100, 50) == "green")
        let transparent = try image(stack, "wm:0.5", "clear.png@png")
        #expect(transparent.bands == 4)
        let middle = transparent.pixel(100, 50), corner = transparent.pixel(5, 5)
        #expect(middle[1] > 240 && abs(Int(middle[3]) - 128) <= 3, "the watermark at half opacity: \(middle)")
        #expect(corner[3] == 0, "the rest stays clear: \(corner)")
    }

    @Test func everyFrameOfAnAnimationIsWatermarked() throws {
        let stack = try stack()
        defer { stack.stop() }
        try stack.writeLocal("anim.gif", try TestAnimation.encode([(255, 0, 0), (0, 0, 255), (255, 0, 0)], width: 120, height: 80,
                                                                delays: [100, 100, 100], loop: 0, suffix: ".gif"))
        let response = try stack.get("/unsafe/wm:1/plain/local:///anim.gif")
        let result = try TestAnimation(decoding: response.body)
        #expect(result.frames == 3 && result.centres == ["green", "green", "green"], "\(result.centres)")
    }

    @Test func watermarkURLIsFetchedOnceAndDrawn() throws {
        // The cache is per worker process: one process, so the second request must find it.
        let stack = try stack(environment: ["IMGFORGE_WORKERS": "1"])
        defer { stack.stop() }
        let red = try TestImage.encode(width: 20, height: 20, suffix: ".png") { _, _ in (255, 0, 0) }
        stack.origin.serve("/mark.png", .image(red, contentType: "image/png"))
        stack.origin.serve("/not-an-image.png", .respond(status: 200, contentType: "image/png", body: Array("hello".utf8)))
        let url = Base64URL.encode(Array(stack.origin.url("/mark.png").utf8))
        let first = try image(stack, "wm:1/wmu:\(url)")
        #expect(first.colourName(100, 50) == "red" && first.colourName(80, 50) == "white", "the URL's watermark, not the file's")
        let second = try image(stack, "wm:1:nowe/wmu:\(url)")
        #expect(second.colourName(5, 5) == "red")
        #expect(stack.origin.requests.filter { $0 == "/mark.png" }.count == 1, "fetched once, then from the worker's memory")

        for (path, words) in [("/missing.png", "watermark_url"), ("/not-an-image.png", "watermark")] {
            let bad = Base64URL.encode(Array(stack.origin.url(path).utf8))
            let response = try stack.get("/unsafe/wm:1/wmu:\(bad)/plain/local:///white.png")
            #expect(response.status == 400 && response.text.contains(words), "\(path): \(response.status) \(response.text)")
        }
    }

    @Test func noWatermarkImageIsA400() throws {
        let stack = try stack(file: false)
        defer { stack.stop() }
        let response = try stack.get("/unsafe/wm:1/plain/local:///white.png")
        #expect(response.status == 400 && response.text.contains("IMGFORGE_WATERMARK_PATH"), "\(response.status) \(response.text)")
    }
}
