import Foundation
import Testing

extension TestImage {
    /// Mean and standard deviation of the colour bands (alpha left out).
    var colourStatistics: (mean: Double, deviation: Double) {
        let colourBands = bands == 4 || bands == 2 ? bands - 1 : bands
        var values: [Double] = []
        values.reserveCapacity(width * height * colourBands)
        for index in stride(from: 0, to: pixels.count, by: bands) {
            for band in 0..<colourBands { values.append(Double(pixels[index + band])) }
        }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        return (mean, variance.squareRoot())
    }
}

/// brightness, contrast, saturation and adjust move pixels the way they say; alpha stays.
@Suite(.serviceStack())
struct ColourAdjustTests {
    /// A 200×120 horizontal rainbow-ish gradient with mid tones, so every adjustment has room both ways.
    private func stack() throws -> ServiceStack {
        let stack = try currentStack()
        try stack.writeLocalOnce("tones.png") {
            try TestImage.encode(width: 200, height: 120, suffix: ".png") { x, y in (UInt8(60 + x / 2), UInt8(40 + y), UInt8(160 - x / 4)) }
        }
        try stack.writeLocalOnce("tones-alpha.png") {
            try TestImage.encode(width: 200, height: 120, bands: 4, suffix: ".png") { x, y in
                [UInt8(60 + x / 2), UInt8(40 + y), UInt8(160 - x / 4), UInt8(x * 255 / 199)]
            }
        }
        try stack.writeLocalOnce("grey.png") { try TestImage.encode(width: 100, height: 100, bands: 1, suffix: ".png") { x, _ in [UInt8(50 + x)] } }
        return stack
    }

    private func fetch(_ options: String, _ source: String = "tones.png") throws -> TestImage {
        let response = try stack().get("/unsafe/\(options)/plain/local:///\(source)@png")
        guard response.status == 200 else { throw TestFailure("\(options) answered \(response.status): \(response.text)") }
        return try TestImage(decoding: response.body)
    }

    @Test func saturationZeroGivesGrey() throws {
        let grey = try fetch("sa:0")
        let plain = try fetch("sa:1")
        let spread = { (image: TestImage, x: Int, y: Int) -> Int in
            let p = image.pixel(x, y).prefix(3).map(Int.init)
            return p.max()! - p.min()!
        }
        for (x, y) in [(10, 10), (100, 60), (190, 110)] {
            #expect(spread(plain, x, y) > 30, "the source is coloured at \(x),\(y)")
            #expect(spread(grey, x, y) <= 3, "sa:0 at \(x),\(y): \(grey.pixel(x, y))")
        }
        let vivid = try fetch("sa:2")
        #expect(spread(vivid, 100, 60) > spread(plain, 100, 60) + 10, "sa:2 is more colourful")
    }

    @Test func brightnessMovesTheMean() throws {
        let plain = try fetch("w:200").colourStatistics
        let brighter = try fetch("br:60").colourStatistics
        let darker = try fetch("br:-60").colourStatistics
        #expect(brighter.mean > plain.mean + 50 && darker.mean < plain.mean - 50, "\(darker.mean) < \(plain.mean) < \(brighter.mean)")
    }

    @Test func contrastWidensOrNarrowsTheSpread() throws {
        let plain = try fetch("w:200").colourStatistics
        let more = try fetch("co:2").colourStatistics
        let less = try fetch("co:0.5").colourStatistics
        #expect(more.deviation > plain.deviation * 1.6, "\(plain.deviation) → \(more.deviation)")
        #expect(less.deviation < plain.deviation * 0.6, "\(plain.deviation) → \(less.deviation)")
    }

    @Test func adjustSetsAllThree() throws {
        let plain = try fetch("w:200").colourStatistics
        let adjusted = try fetch("a:-50:1:0")
        let p = adjusted.pixel(100, 60).prefix(3).map(Int.init)
        #expect(p.max()! - p.min()! <= 3, "saturation 0: \(p)")
        #expect(adjusted.colourStatistics.mean < plain.mean - 40)
    }

    @Test func alphaIsLeftAlone() throws {
        let source = try fetch("w:200", "tones-alpha.png")
        let adjusted = try fetch("br:80/co:1.5/sa:0", "tones-alpha.png")
        #expect(source.bands == 4 && adjusted.bands == 4)
        for x in [0, 50, 120, 199] {
            #expect(adjusted.pixel(x, 60)[3] == source.pixel(x, 60)[3], "alpha at x=\(x)")
        }
        #expect(adjusted.colourStatistics.mean > source.colourStatistics.mean + 30)
    }

    /// Across a soft edge (a ramp over 8 pixels), blur flattens the steepest step and sharpen steepens it.
    @Test func blurLowersAndSharpenRaisesEdgeContrast() throws {
        let stack = try stack()
        try stack.writeLocalOnce("edge.png") {
            try TestImage.encode(width: 120, height: 40, suffix: ".png") { x, _ in
                let v = UInt8(x < 56 ? 80 : x >= 64 ? 170 : 80 + (x - 56) * 90 / 8)
                return (v, v, v)
            }
        }
        func steepest(_ options: String) throws -> Int {
            let image = try fetch(options, "edge.png")
            return (40..<80).map { abs(Int(image.pixel($0 + 1, 20)[0]) - Int(image.pixel($0, 20)[0])) }.max() ?? 0
        }
        let plain = try steepest("w:120"), blurred = try steepest("bl:3"), sharpened = try steepest("sh:2")
        #expect(blurred < plain && sharpened > plain, "steepest step: blurred \(blurred) < plain \(plain) < sharpened \(sharpened)")
    }

    @Test func greySourcesAreAdjustedToo() throws {
        let plain = try fetch("w:100", "grey.png").colourStatistics
        let brighter = try fetch("br:50", "grey.png").colourStatistics
        #expect(brighter.mean > plain.mean + 40, "\(plain.mean) → \(brighter.mean)")
    }
}

/// Background colours: 3-digit hex, and translucent backgrounds on formats that keep alpha.
@Suite(.serviceStack())
struct BackgroundTests {
    private func fetch(_ options: String, _ source: String) throws -> TestImage {
        let response = try currentStack().get("/unsafe/\(options)/plain/local:///\(source)")
        guard response.status == 200 else { throw TestFailure("\(options) answered \(response.status): \(response.text)") }
        return try TestImage(decoding: response.body)
    }

    @Test func threeDigitHexIsAColour() throws {
        let stack = try currentStack()
        try stack.writeLocal("small.jpg", try TestImage.quadrants(width: 40, height: 40, suffix: ".jpg"))
        let padded = try fetch("pd:10/bg:0f0", "small.jpg@png")
        #expect(padded.colourName(2, 2) == "green", "\(padded.pixel(2, 2))")
    }

    /// A half-transparent source: its transparent half shows the background, at the background's opacity.
    @Test(arguments: ["bg:ff000080", "bg:f00/bga:0.5", "bg:ff0000/bga:0.5"])
    func translucentBackgroundsKeepAlpha(options: String) throws {
        let stack = try currentStack()
        try stack.writeLocal("half.png", try TestImage.encode(width: 40, height: 20, bands: 4, suffix: ".png") { x, _ in
            x < 20 ? [0, 0, 255, 255] : [0, 0, 0, 0]
        })
        let image = try fetch(options, "half.png@png")
        #expect(image.bands == 4)
        let clear = image.pixel(30, 10), solid = image.pixel(5, 10)
        #expect(clear[0] > 240 && clear[1] < 10 && abs(Int(clear[3]) - 128) <= 2, "the transparent half: \(clear)")
        #expect(solid[2] > 240 && solid[3] == 255, "the opaque half: \(solid)")
        let flattened = try fetch(options, "half.png@jpg")
        #expect(flattened.colourName(30, 10) == "red", "JPEG has no alpha: flattened onto the colour")
    }
}

/// The per-URL `max_src_file_size` limits the download.
@Suite(.serviceStack(["IMGFORGE_ALLOW_SECURITY_OPTIONS": "true"]))
struct PerURLLimitTests {
    @Test func perURLMaxSourceFileSizeLimitsTheDownload() throws {
        let stack = try currentStack()
        let jpeg = try TestImage.quadrants(width: 200, height: 200, suffix: ".jpg")
        try stack.writeLocal("sized.jpg", jpeg)
        stack.origin.serve("/sized.jpg", .image(jpeg, contentType: "image/jpeg"))
        for source in ["local:///sized.jpg", stack.origin.url("/sized.jpg")] {
            let small = try stack.get("/unsafe/msfs:\(jpeg.count - 1)/w:50/plain/\(source)")
            #expect(small.status == 400 && small.text.contains("source too large"), "\(source): \(small.status) \(small.text)")
            let enough = try stack.get("/unsafe/msfs:\(jpeg.count)/w:50/plain/\(source)")
            #expect(enough.status == 200, "\(source): \(enough.status) \(enough.text)")
        }
    }
}
