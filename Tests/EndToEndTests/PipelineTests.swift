import Foundation
import Testing

/// The pipeline through nginx, checked on the decoded responses.
@Suite(.serviceStack())
struct PipelineTests {
    /// A 1000×600 JPEG of four coloured quadrants, and the same as PNG.
    private func stack() throws -> ServiceStack {
        let stack = try currentStack()
        try stack.writeLocalOnce("q.jpg") { try TestImage.quadrants(width: 1000, height: 600, suffix: ".jpg[Q=95]") }
        try stack.writeLocalOnce("q.png") { try TestImage.quadrants(width: 1000, height: 600, suffix: ".png") }
        return stack
    }

    /// `options` may end in `@ext`, which goes after the source as in a real URL.
    private func fetch(_ options: String, source: String = "q.jpg", headers: [String: String] = [:]) throws -> (HTTPResponse, TestImage) {
        let parts = options.split(separator: "@", maxSplits: 1)
        let suffix = parts.count == 2 ? "@\(parts[1])" : ""
        let response = try stack().get("/unsafe/\(parts[0])/plain/local:///\(source)\(suffix)", headers: headers)
        guard response.status == 200 else { throw TestFailure("\(options) answered \(response.status): \(response.text)") }
        return (response, try TestImage(decoding: response.body))
    }

    @Test(arguments: [
        ("rs:fill:300:300", 300, 300),
        ("rs:fit:300:0", 300, 180),
        ("rs:force:300:100", 300, 100),
        ("rs:force:2000:300", 1000, 150),
        ("rs:fit:2000:2000", 1000, 600),
        ("rs:fit:2000:2000:1", 2000, 1200),
        ("rs:fill:800:800", 800, 600),
        ("rs:fill-down:800:800", 600, 600),
        ("rs:fill-down:2000:1000", 1000, 500),
        ("rs:auto:300:400", 300, 180),
        ("rs:fit:300:0/dpr:2", 600, 360),
        ("rs:fill:300:300/dpr:3", 600, 600),
        ("rs:fit:300:0/z:0.5", 150, 90),
        ("rs:fit:300:300/mw:500", 300, 300),
        ("rs:fit:0:0/mw:2000", 2000, 1200),
        ("rs:fit:300:300:0:1", 300, 300),
        ("rs:fit:1200:0:0:1", 1200, 600),
        ("rs:fit:2000:1000/exar:1", 1200, 600),
        ("rs:fit:300:300/pd:10/dpr:2", 640, 400),
        ("c:0.5:0.5/rs:fit:300:0", 300, 180),
        ("rs:fit:500:1000/mh:750/ex:1", 1250, 1000),
    ])
    func resultSizes(options: String, width: Int, height: Int) throws {
        let (_, image) = try fetch(options)
        #expect((image.width, image.height) == (width, height), "\(options)")
    }

    @Test func fillCropsAtTheGravity() throws {
        // 1000×600 → 500×300, then a 300×300 cut: west keeps the red/blue half, east the green/yellow one.
        let (_, west) = try fetch("rs:fill:300:300/g:we")
        #expect(west.colourName(10, 10) == "red" && west.colourName(10, 290) == "blue")
        #expect(west.colourName(290, 10) == "green", "the cut spans 300 of 500 pixels, past the middle")
        let (_, east) = try fetch("rs:fill:300:300/g:ea")
        #expect(east.colourName(290, 10) == "green" && east.colourName(290, 290) == "yellow")
        #expect(east.colourName(5, 10) == "red")
    }

    @Test func cropLandsWhereTheGravitySays() throws {
        for (gravity, colour) in [("nowe", "red"), ("noea", "green"), ("sowe", "blue"), ("soea", "yellow")] {
            let (_, image) = try fetch("c:400:250:\(gravity)")
            #expect((image.width, image.height) == (400, 250))
            #expect(image.colourName(5, 5) == colour && image.colourName(395, 245) == colour, "crop \(gravity)")
        }
        // Offsets are measured inward from the named edge.
        let (_, offset) = try fetch("c:100:100:nowe:550:0")
        #expect(offset.colourName(50, 50) == "green")
        let (_, focus) = try fetch("c:100:100:fp:0.9:0.9")
        #expect(focus.colourName(50, 50) == "yellow")
        let (_, fractions) = try fetch("c:0.25:0.25:soea")
        #expect((fractions.width, fractions.height) == (250, 150) && fractions.colourName(100, 70) == "yellow")
    }

    @Test func smartCropPicksTheInterestingPart() throws {
        let stack = try stack()
        // A plain grey field with one busy patch on the right.
        try stack.writeLocal("busy.png", try TestImage.encode(width: 600, height: 200, suffix: ".png") { x, y in
            x > 450 && x < 550 ? ((x * 37 + y * 91) % 2 == 0 ? (255, 0, 0) : (0, 0, 255)) : (128, 128, 128)
        })
        let (_, image) = try fetch("rs:fill:200:200/g:sm", source: "busy.png")
        #expect((image.width, image.height) == (200, 200))
        #expect((0..<200).contains { image.colourName($0, 100) != "other" }, "the busy patch is in the cut")
    }

    @Test func extendAndPaddingFill() throws {
        // JPEG output has no alpha: new areas are white unless a background is given.
        let (_, white) = try fetch("rs:fit:300:300:0:1")
        #expect(white.colourName(150, 5) == "white" && white.colourName(5, 70) == "red")
        let (_, magenta) = try fetch("rs:fit:300:300:0:1/bg:ff00ff")
        #expect(magenta.pixel(150, 5)[0] > 200 && magenta.pixel(150, 5)[1] < 60 && magenta.pixel(150, 5)[2] > 200)
        // PNG output keeps new areas transparent.
        let (_, clear) = try fetch("rs:fit:300:300:0:1/pd:10@png")
        #expect((clear.width, clear.height) == (320, 320) && clear.bands == 4)
        #expect(clear.pixel(160, 2)[3] == 0 && clear.pixel(20, 100)[3] == 255)
        let (_, south) = try fetch("rs:fit:300:300/ex:1:so@png")
        #expect(south.pixel(150, 5)[3] == 0 && south.pixel(150, 295)[3] == 255, "extend:1:so puts the image at the bottom")
    }

    @Test func trimRemovesTheBorder() throws {
        let stack = try stack()
        try stack.writeLocal("framed.png", try TestImage.encode(width: 300, height: 200, suffix: ".png") { x, y in
            (40..<240).contains(x) && (30..<150).contains(y) ? (0, 0, 255) : (255, 255, 255)
        })
        let (_, trimmed) = try fetch("t:10", source: "framed.png")
        #expect((trimmed.width, trimmed.height) == (200, 120))
        #expect(trimmed.colourName(0, 0) == "blue" && trimmed.colourName(199, 119) == "blue")
        let (_, equal) = try fetch("t:10::1:1", source: "framed.png")
        #expect((equal.width, equal.height) == (220, 140), "equal_hor/equal_ver trim the smaller margin from both sides")
        let (_, resized) = try fetch("t:10/rs:fit:100:0", source: "framed.png")
        #expect((resized.width, resized.height) == (100, 60))
    }

    /// All eight EXIF orientations come out upright, without the tag; `ar:0` leaves the pixels as stored.
    @Test(arguments: 1...8)
    func exifOrientations(orientation: Int) throws {
        let stack = try stack()
        let displayed = (width: 120, height: 80)
        let swapped = orientation >= 5
        let stored = swapped ? (width: displayed.height, height: displayed.width) : displayed
        let bytes = try TestImage.encode(width: stored.width, height: stored.height, bands: 3, suffix: ".jpg[Q=95]", orientation: orientation) { x, y in
            // Where the stored pixel (x, y) is shown once the orientation is applied.
            let (w, h) = (stored.width, stored.height)
            let shown: (Int, Int) = switch orientation {
            case 2: (w - 1 - x, y)
            case 3: (w - 1 - x, h - 1 - y)
            case 4: (x, h - 1 - y)
            case 5: (y, x)
            case 6: (h - 1 - y, x)
            case 7: (h - 1 - y, w - 1 - x)
            case 8: (y, w - 1 - x)
            default: (x, y)
            }
            let (r, g, b) = TestImage.quadrantColour(shown.0, shown.1, width: displayed.width, height: displayed.height)
            return [r, g, b]
        }
        try stack.writeLocal("orientation-\(orientation).jpg", bytes)
        let (response, image) = try fetch("rs:fit:60:60", source: "orientation-\(orientation).jpg")
        #expect((image.width, image.height) == (60, 40), "orientation \(orientation)")
        #expect(image.colourName(5, 5) == "red" && image.colourName(55, 5) == "green", "orientation \(orientation)")
        #expect(image.colourName(5, 35) == "blue" && image.colourName(55, 35) == "yellow", "orientation \(orientation)")
        #expect(response.body.exifOrientation == nil, "metadata and the orientation tag are stripped")
        let (kept, _) = try fetch("rs:fit:60:60/sm:0", source: "orientation-\(orientation).jpg")
        #expect([nil, 1].contains(kept.body.exifOrientation), "with metadata kept, the tag says upright")
        let (_, raw) = try fetch("ar:0/rs:fit:60:60", source: "orientation-\(orientation).jpg")
        #expect((raw.width, raw.height) == (swapped ? (40, 60) : (60, 40)))
    }

    @Test func rotateAndFlip() throws {
        let (_, turned) = try fetch("rot:90/rs:fit:60:0")
        #expect((turned.width, turned.height) == (60, 100))
        #expect(turned.colourName(5, 5) == "blue" && turned.colourName(55, 5) == "red", "clockwise: the bottom-left comes to the top-left")
        let (_, flipped) = try fetch("fl:1/rs:fit:100:0")
        #expect(flipped.colourName(5, 5) == "green" && flipped.colourName(95, 5) == "red")
        let (_, both) = try fetch("fl:0:1/rs:fit:100:0")
        #expect(both.colourName(5, 5) == "blue")
    }

    @Test(arguments: [("jpg", "jpegload"), ("png", "pngload"), ("webp", "webpload"), ("avif", "heifload"), ("gif", "gifload"), ("tiff", "tiffload")])
    func everyOutputFormatDecodes(ext: String, loader: String) throws {
        let (response, image) = try fetch("rs:fit:200:200@\(ext)")
        #expect(image.loader.hasPrefix(loader), "\(ext) decoded with \(image.loader)")
        #expect((image.width, image.height) == (200, 120))
        let mime = ["jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "avif": "image/avif", "gif": "image/gif", "tiff": "image/tiff"][ext]
        #expect(response.header("Content-Type") == mime)
        #expect(image.colourName(20, 20) == "red" && image.colourName(180, 100) == "yellow")
    }

    @Test func defaultOutputIsTheSourceFormat() throws {
        #expect(try fetch("w:100", source: "q.png").0.header("Content-Type") == "image/png")
        #expect(try fetch("w:100").0.header("Content-Type") == "image/jpeg")
        #expect(try fetch("w:100/f:webp").0.header("Content-Type") == "image/webp")
    }

    @Test func alphaIsKeptOrFlattenedByFormat() throws {
        let stack = try stack()
        try stack.writeLocal("alpha.png", try TestImage.encode(width: 100, height: 100, bands: 4, suffix: ".png") { x, _ in
            x < 50 ? [255, 0, 0, 255] : [0, 0, 0, 0]
        })
        for ext in ["png", "webp", "avif"] {
            let (_, kept) = try fetch("w:50@\(ext)", source: "alpha.png")
            #expect(kept.bands == 4 && kept.pixel(45, 25)[3] < 10 && kept.pixel(5, 25)[3] > 245, "\(ext) keeps alpha")
        }
        let (_, flat) = try fetch("w:50@jpg", source: "alpha.png")
        #expect(flat.bands == 3 && flat.colourName(45, 25) == "white" && flat.colourName(5, 25) == "red")
        let (_, blue) = try fetch("w:50/bg:0000ff@jpg", source: "alpha.png")
        #expect(blue.colourName(45, 25) == "blue")
    }

    @Test func qualityAndMaxBytesMoveSizeTheRightWay() throws {
        let stack = try stack()
        try stack.writeLocal("noise.jpg", try TestImage.encode(width: 400, height: 400, suffix: ".jpg[Q=98]") { x, y in
            (UInt8((x * 7919 + y * 104729) % 251), UInt8((x * 31 + y * 17) % 256), UInt8((x ^ y) % 256))
        })
        for ext in ["jpg", "webp", "avif"] {
            let high = try fetch("q:95@\(ext)", source: "noise.jpg").0.body.count
            let low = try fetch("q:20@\(ext)", source: "noise.jpg").0.body.count
            #expect(low < high, "\(ext): q:20 gave \(low) bytes, q:95 \(high)")
        }
        let unbounded = try fetch("q:90", source: "noise.jpg").0.body.count
        let budget = unbounded / 3
        let bounded = try fetch("q:90/mb:\(budget)", source: "noise.jpg")
        #expect(bounded.0.body.count <= budget, "max_bytes \(budget) gave \(bounded.0.body.count)")
        #expect((bounded.1.width, bounded.1.height) == (400, 400))
        // format_quality applies when quality is absent.
        let formatQuality = try fetch("fq:jpeg:20", source: "noise.jpg").0.body.count
        #expect(formatQuality < unbounded)
    }

    @Test func encoderSwitchesReachTheEncoders() throws {
        // Progressive JPEG has a SOF2 marker, baseline SOF0.
        let baseline = try fetch("rs:fit:200:0@jpg").0.body
        let progressive = try fetch("rs:fit:200:0/jpgo:1@jpg").0.body
        #expect(baseline.firstRange(of: [0xFF, 0xC0]) != nil && baseline.firstRange(of: [0xFF, 0xC2]) == nil)
        #expect(progressive.firstRange(of: [0xFF, 0xC2]) != nil)
        // PNG's interlace method is the last byte of IHDR (offset 28).
        #expect(try fetch("rs:fit:200:0@png").0.body[28] == 0)
        #expect(try fetch("rs:fit:200:0/pngo:1@png").0.body[28] == 1)
        // Lossless WebP is a VP8L bitstream, lossy a VP8 one.
        #expect(try fetch("rs:fit:200:0/webpo:lossless@webp").0.body.firstRange(of: Array("VP8L".utf8)) != nil)
        #expect(try fetch("rs:fit:200:0@webp").0.body.firstRange(of: Array("VP8L".utf8)) == nil)
    }

    @Test func resizingAlgorithmsDiffer() throws {
        let nearest = try fetch("rs:fit:333:0/ra:nearest@png")
        let lanczos = try fetch("rs:fit:333:0@png")
        #expect((nearest.1.width, nearest.1.height) == (lanczos.1.width, lanczos.1.height))
        #expect(nearest.0.body != lanczos.0.body)
        // Nearest neighbour never invents a colour at the seam between red and green.
        #expect((0..<333).allSatisfy { nearest.1.colourName($0, 10) != "other" })
        #expect((0..<333).contains { lanczos.1.colourName($0, 10) == "other" })
    }

    @Test func effectsChangePixels() throws {
        let (_, plain) = try fetch("rs:fit:200:0")
        let (_, blurred) = try fetch("rs:fit:200:0/bl:10")
        #expect(plain.colourName(94, 5) == "red" && blurred.colourName(94, 5) == "other", "blur mixes the colours near the seam")
        let (_, pixelated) = try fetch("rs:fit:200:0/pix:50")
        #expect((pixelated.width, pixelated.height) == (200, 120))
    }

    @Test func resultDimensionLimitIsCheckedBeforeProcessing() throws {
        let stack = try stack()
        let response = try stack.get("/unsafe/rs:fit:3000:3000:1/mrd:2000/plain/local:///q.jpg")
        #expect(response.status == 403, "mrd needs IMGFORGE_ALLOW_SECURITY_OPTIONS")
    }

    /// A white square on a transparent background, resized down: its edges stay white (resampled
    /// premultiplied), where a plain resample pulls in the black of the transparent pixels.
    @Test func resizingWithAlphaKeepsEdgesClean() throws {
        let stack = try stack()
        try stack.writeLocal("square.png", try TestImage.encode(width: 100, height: 100, bands: 4, suffix: ".png") { x, y in
            (25..<75).contains(x) && (25..<75).contains(y) ? [255, 255, 255, 255] : [0, 0, 0, 0]
        })
        let (_, small) = try fetch("rs:fit:33:33@png", source: "square.png")
        #expect(small.bands == 4)
        var edges = 0
        for y in 0..<small.height {
            for x in 0..<small.width {
                let p = small.pixel(x, y)
                guard p[3] > 10 else { continue }
                if p[3] < 245 { edges += 1 }
                #expect(p[0] >= 245 && p[1] >= 245 && p[2] >= 245, "a dark fringe at \(x),\(y): \(p)")
            }
        }
        #expect(edges > 0, "the resize made partly transparent edge pixels to check")
    }

    /// resize's extend takes a gravity, as imgproxy's does.
    @Test func resizeExtendsAtItsGravity() throws {
        let (_, north) = try fetch("rs:fit:200:200:0:1:no@png")
        #expect((north.width, north.height) == (200, 200))
        #expect(north.colourName(10, 10) == "red" && north.pixel(100, 190)[3] == 0, "image at the top, clear below")
        let (_, south) = try fetch("s:200:200:0:1:so@png")
        #expect(south.pixel(100, 10)[3] == 0 && south.colourName(10, 190) == "blue", "image at the bottom")
    }

    @Test func skipProcessingAndRawReturnTheSourceBytes() throws {
        let stack = try stack()
        let original = try Data(contentsOf: stack.localRoot.appendingPathComponent("q.png"))
        let skipped = try stack.get("/unsafe/rs:fit:10:10/skp:png/plain/local:///q.png")
        #expect(skipped.body == [UInt8](original) && skipped.header("Content-Type") == "image/png")
        let raw = try stack.get("/unsafe/raw:1/rs:fit:10:10/plain/local:///q.png")
        #expect(raw.body == [UInt8](original))
        let processed = try stack.get("/unsafe/rs:fit:10:10/skp:png/plain/local:///q.jpg")
        #expect(try TestImage(decoding: processed.body).width == 10)
        // Only when the answer is the source's format: asked for WebP, a PNG is converted.
        let converted = try TestImage(decoding: try stack.get("/unsafe/rs:fit:10:10/skp:png/f:webp/plain/local:///q.png").body)
        #expect(converted.loader == "webpload_buffer" && converted.width == 10)
        let convertedByExtension = try TestImage(decoding: try stack.get("/unsafe/rs:fit:10:10/skp:png/plain/local:///q.png@webp").body)
        #expect(convertedByExtension.loader == "webpload_buffer")
    }

    @Test func infoReportsTheSource() throws {
        let response = try stack().get("/info/unsafe/plain/local:///q.png")
        #expect(response.status == 200 && response.header("Content-Type") == "application/json")
        #expect(response.text.contains(#""width":1000"#) && response.text.contains(#""height":600"#) && response.text.contains(#""format":"png""#))
    }
}

/// Limits set in the configuration, answered from the header before any pixel is decoded.
@Suite(.serviceStack([
    "IMGFORGE_MAX_SRC_RESOLUTION": "20",
    "IMGFORGE_MAX_RESULT_DIMENSION": "1500",
    "IMGFORGE_ALLOWED_MIME_TYPES": "image/jpeg,image/png",
    "IMGFORGE_AUTO_WEBP": "true",
    "IMGFORGE_AUTO_AVIF": "true",
    "IMGFORGE_DEFAULT_FORMAT": "png",
    "IMGFORGE_FORMAT_QUALITY": "jpeg=30",
]))
struct PipelineLimitTests {
    @Test func decompressionBombIsRefusedFromTheHeader() throws {
        let stack = try currentStack()
        try stack.writeLocal("bomb.png", PNGBomb.make(width: 50_000, height: 50_000))
        let before = stack.imgforgeResidentKiB
        let started = Date()
        let response = try stack.get("/unsafe/rs:fit:100:100/plain/local:///bomb.png")
        let seconds = Date().timeIntervalSince(started)
        let growth = stack.imgforgeResidentKiB - before
        #expect(response.status == 400)
        #expect(response.text.contains("50000x50000") && response.text.contains("20 MP limit"), "\(response.text)")
        #expect(seconds < 1, "refusing took \(seconds) s")
        #expect(growth < 20_000, "resident memory grew by \(growth) KiB")
    }

    @Test func resultLargerThanTheLimitIsABadRequest() throws {
        let stack = try currentStack()
        try stack.writeLocal("q.jpg", try TestImage.quadrants(width: 1000, height: 600, suffix: ".jpg"))
        let response = try stack.get("/unsafe/rs:fit:2000:2000:1/plain/local:///q.jpg")
        #expect(response.status == 400)
        #expect(response.text.contains("2000x1200") && response.text.contains("1500x1500"), "\(response.text)")
        #expect(try stack.get("/unsafe/rs:fit:1500:1500:1/plain/local:///q.jpg").status == 200)
    }

    @Test func mimeTypesAreCheckedOnTheBytes() throws {
        let stack = try currentStack()
        let gif = try TestImage.quadrants(width: 20, height: 20, suffix: ".gif")
        try stack.writeLocal("disguised.jpg", gif)
        let response = try stack.get("/unsafe/w:10/plain/local:///disguised.jpg")
        #expect(response.status == 422 && response.text.contains("image/gif"))
        // An origin that claims JPEG for a PNG still gets the PNG decoded: the bytes decide.
        stack.origin.serve("/lying.jpg", .respond(status: 200, contentType: "image/gif", body: try TestImage.quadrants(width: 20, height: 20, suffix: ".png")))
        #expect(try stack.get("/unsafe/w:10/plain/\(stack.origin.url("/lying.jpg"))").status == 200)
    }

    @Test func acceptNegotiationAndDefaults() throws {
        let stack = try currentStack()
        try stack.writeLocal("n.jpg", try TestImage.quadrants(width: 100, height: 100, suffix: ".jpg"))
        let avif = try stack.get("/unsafe/w:50/plain/local:///n.jpg", headers: ["Accept": "image/avif,image/webp,*/*"])
        #expect(avif.header("Content-Type") == "image/avif" && avif.header("Vary") == "Accept")
        let webp = try stack.get("/unsafe/w:50/plain/local:///n.jpg", headers: ["Accept": "image/webp,*/*"])
        #expect(webp.header("Content-Type") == "image/webp" && webp.header("Vary") == "Accept")
        // The rule of nginx's map, which decides when the cache is on: the media type appears, in any case.
        let upper = try stack.get("/unsafe/w:50/plain/local:///n.jpg", headers: ["Accept": "IMAGE/WEBP"])
        #expect(upper.header("Content-Type") == "image/webp")
        let fallback = try stack.get("/unsafe/w:50/plain/local:///n.jpg", headers: ["Accept": "*/*"])
        #expect(fallback.header("Content-Type") == "image/png" && fallback.header("Vary") == "Accept", "IMGFORGE_DEFAULT_FORMAT")
        let explicit = try stack.get("/unsafe/w:50/plain/local:///n.jpg@jpg", headers: ["Accept": "image/avif"])
        #expect(explicit.header("Content-Type") == "image/jpeg" && explicit.header("Vary") == nil)
    }

    @Test func configuredFormatQualityAppliesWhenTheURLNamesNone() throws {
        let stack = try currentStack()
        try stack.writeLocal("fq.jpg", try TestImage.encode(width: 300, height: 300, suffix: ".jpg[Q=98]") { x, y in
            (UInt8((x * 7919 + y * 104729) % 251), UInt8((x * 31 + y * 17) % 256), UInt8((x ^ y) % 256))
        })
        // IMGFORGE_FORMAT_QUALITY=jpeg=30 here, below IMGFORGE_QUALITY's 85; `q` in the URL beats both.
        let configured = try stack.get("/unsafe/w:300/plain/local:///fq.jpg@jpg").body.count
        let explicit = try stack.get("/unsafe/w:300/q:85/plain/local:///fq.jpg@jpg").body.count
        #expect(configured < explicit, "jpeg=30 gave \(configured) bytes, q:85 \(explicit)")
    }
}

/// A PNG whose header declares a huge size, with almost no data behind it.
enum PNGBomb {
    static func make(width: UInt32, height: UInt32) -> [UInt8] {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header += bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]
        png += chunk("IHDR", header)
        // A valid zlib stream of a few zero bytes: far too little for the declared size.
        png += chunk("IDAT", [0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01])
        png += chunk("IEND", [])
        return png
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

extension Array where Element == UInt8 {
    /// The orientation (tag 0x0112) in a JPEG's EXIF block, nil when there is none.
    var exifOrientation: Int? {
        guard let exif = firstRange(of: Array("Exif\0\0".utf8)) else { return nil }
        let tiff = exif.upperBound
        guard tiff + 8 <= count else { return nil }
        let little = self[tiff] == 0x49
        func read16(_ at: Int) -> Int {
            little ? Int(self[at]) | Int(self[at + 1]) << 8 : Int(self[at]) << 8 | Int(self[at + 1])
        }
        func read32(_ at: Int) -> Int {
            little ? read16(at) | read16(at + 2) << 16 : read16(at) << 16 | read16(at + 2)
        }
        let ifd = tiff + read32(tiff + 4)
        guard ifd + 2 <= count else { return nil }
        for entry in 0..<read16(ifd) {
            let at = ifd + 2 + entry * 12
            guard at + 12 <= count else { return nil }
            if read16(at) == 0x0112 { return read16(at + 8) }
        }
        return nil
    }
}
