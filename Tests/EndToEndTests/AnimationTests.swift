import Foundation
import Testing

/// Animated GIF and WebP stay animated through the pipeline, every frame processed; still
/// outputs take one frame; the frame limit holds whatever the options say; pages of a TIFF.
@Suite(.serviceStack(["IMGFORGE_MAX_ANIMATION_FRAMES": "5", "IMGFORGE_ALLOW_SECURITY_OPTIONS": "true"]))
struct AnimationTests {
    private static let colours: [(UInt8, UInt8, UInt8)] = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]

    private func stack() throws -> ServiceStack {
        let stack = try currentStack()
        for suffix in ["gif", "webp"] {
            try stack.writeLocalOnce("anim.\(suffix)") {
                try TestAnimation.encode(Self.colours, width: 120, height: 80, delays: [100, 200, 300], loop: 2, suffix: ".\(suffix)")
            }
        }
        try stack.writeLocalOnce("pages.tif") { try TestAnimation.encode(Self.colours, width: 120, height: 80, delays: [], loop: 0, suffix: ".tif") }
        try stack.writeLocalOnce("many.gif") {
            try TestAnimation.encode(Array(repeating: (255, 255, 0), count: 6), width: 20, height: 20, delays: Array(repeating: 50, count: 6), loop: 0, suffix: ".gif")
        }
        return stack
    }

    private func get(_ path: String) throws -> [UInt8] {
        let response = try stack().get(path)
        guard response.status == 200 else { throw TestFailure("\(path) answered \(response.status): \(response.text)") }
        return response.body
    }

    @Test(arguments: [("anim.gif", "gifload_buffer"), ("anim.gif@webp", "webpload_buffer"), ("anim.webp", "webpload_buffer"), ("anim.webp@gif", "gifload_buffer")])
    func animationsStayAnimated(source: String, loader: String) throws {
        let result = try TestAnimation(decoding: try get("/unsafe/rs:fit:60:60/plain/local:///\(source)"))
        #expect(result.loader == loader)
        #expect(result.frames == 3 && result.centres == ["red", "green", "blue"], "\(result.centres)")
        #expect((result.frameWidth, result.frameHeight) == (60, 40), "every frame resized")
        #expect(result.delays == [100, 200, 300] && result.loop == 2, "delays \(result.delays), loop \(String(describing: result.loop))")
        let original = try TestAnimation(decoding: try [UInt8](Data(contentsOf: stack().localRoot.appendingPathComponent(source.split(separator: "@")[0].description))))
        print("animation | \(source) | before: \(original.frames) frames \(original.frameWidth)x\(original.frameHeight) delays \(original.delays) loop \(original.loop ?? -1)"
              + " | after rs:fit:60:60: \(result.frames) frames \(result.frameWidth)x\(result.frameHeight) delays \(result.delays) loop \(result.loop ?? -1) (\(result.loader))")
    }

    @Test func effectsAndPaddingApplyToEveryFrame() throws {
        let result = try TestAnimation(decoding: try get("/unsafe/rs:fit:60:60/pd:10/bg:ffffff/sa:0/plain/local:///anim.gif"))
        #expect(result.frames == 3 && (result.frameWidth, result.frameHeight) == (80, 60))
        #expect(!result.centres.contains("red") && !result.centres.contains("green"), "saturation 0 on every frame: \(result.centres)")
    }

    @Test(arguments: ["anim.gif@png", "anim.gif@jpg", "anim.webp@png"])
    func stillOutputsTakeTheFirstFrame(source: String) throws {
        let image = try TestImage(decoding: try get("/unsafe/rs:fit:60:60/plain/local:///\(source)"))
        #expect((image.width, image.height) == (60, 40) && image.colourName(30, 20) == "red")
    }

    @Test func disableAnimationPageAndPagesSelectFrames() throws {
        let still = try TestAnimation(decoding: try get("/unsafe/da:1/plain/local:///anim.gif"))
        #expect(still.frames == 1 && still.centres == ["red"])
        let fromSecond = try TestAnimation(decoding: try get("/unsafe/pg:1/plain/local:///anim.gif"))
        #expect(fromSecond.centres == ["green", "blue"] && fromSecond.delays == [200, 300], "\(fromSecond.centres) \(fromSecond.delays)")
        let two = try TestAnimation(decoding: try get("/unsafe/pgs:2/plain/local:///anim.webp"))
        #expect(two.centres == ["red", "green"])
        let third = try TestImage(decoding: try get("/unsafe/pg:2/plain/local:///anim.gif@png"))
        #expect(third.colourName(60, 40) == "blue")
        let outOfRange = try stack().get("/unsafe/pg:3/plain/local:///anim.gif")
        #expect(outOfRange.status == 400 && outOfRange.text.contains("page 3 is out of range"), "\(outOfRange.text)")
    }

    @Test func tiffPages() throws {
        let second = try TestImage(decoding: try get("/unsafe/pg:1/plain/local:///pages.tif@png"))
        #expect((second.width, second.height) == (120, 80) && second.colourName(60, 40) == "green")
        let first = try TestImage(decoding: try get("/unsafe/plain/local:///pages.tif@png"))
        #expect(first.colourName(60, 40) == "red", "a TIFF gives its first page by default")
        let two = try TestAnimation(decoding: try get("/unsafe/pg:1/pgs:2/rs:fit:60:60/plain/local:///pages.tif@tiff"))
        #expect(two.centres == ["green", "blue"] && two.frameHeight == 40, "\(two.centres)")
        let animated = try TestAnimation(decoding: try get("/unsafe/pgs:3/plain/local:///pages.tif@gif"))
        #expect(animated.centres == ["red", "green", "blue"])
    }

    @Test(arguments: ["", "da:1/", "f:png/", "maf:10/"])
    func theFrameLimitHoldsWhateverTheOptions(options: String) throws {
        let response = try stack().get("/unsafe/\(options)plain/local:///many.gif")
        let limit = options.hasPrefix("maf") ? 10 : 5
        if limit >= 6 {
            #expect(response.status == 200, "maf raises the limit for this URL: \(response.text)")
        } else {
            #expect(response.status == 400 && response.text.contains("source has 6 frames, over the limit of 5"), "\(options): \(response.status) \(response.text)")
        }
    }

    @Test func theResolutionLimitCountsEveryFrame() throws {
        // 3 frames of 120×80 = 28,800 pixels: over 0.02 MP, while one frame (9,600) is not.
        let response = try stack().get("/unsafe/msr:0.02/da:1/plain/local:///anim.gif")
        #expect(response.status == 400 && response.text.contains("× 3 frames"), "\(response.status) \(response.text)")
    }
}
