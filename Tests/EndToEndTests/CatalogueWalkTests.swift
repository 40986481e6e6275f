import Foundation
import ImgForgeCore
import Testing

/// Every option of the catalogue is carried out: asked for, it changes the answer's bytes, its
/// headers or its status against the same URL without it. None is accepted and ignored.
@Suite(.serialized)
struct CatalogueWalkTests {
    /// Per option: the options without it, and with it (before the source). `source` names a fixture.
    struct Case: Sendable {
        let base: String
        let with: String
        var source = "photo.jpg"
        /// What the answer with the option must be: 200, or the refusal that is the option's point.
        var status = 200
    }

    static let cases: [String: Case] = [
        "resize": Case(base: "w:0", with: "rs:fill:50:50"),
        "size": Case(base: "w:0", with: "s:50:50"),
        "resizing_type": Case(base: "w:50/h:50", with: "w:50/h:50/rt:force"),
        "width": Case(base: "w:0", with: "w:50"),
        "height": Case(base: "w:0", with: "h:50"),
        "min-width": Case(base: "w:50", with: "w:50/mw:100"),
        "min-height": Case(base: "w:50", with: "w:50/mh:100"),
        "zoom": Case(base: "w:50", with: "w:50/z:0.5"),
        "dpr": Case(base: "w:50", with: "w:50/dpr:2"),
        "enlarge": Case(base: "w:400", with: "w:400/el:1"),
        "extend": Case(base: "rs:fit:100:100", with: "rs:fit:100:100/ex:1"),
        "extend_aspect_ratio": Case(base: "rs:fit:100:100", with: "rs:fit:100:100/exar:1"),
        "gravity": Case(base: "rs:fill:50:100", with: "rs:fill:50:100/g:we"),
        "crop": Case(base: "w:0", with: "c:50:50"),
        "trim": Case(base: "w:0", with: "t:10", source: "framed.png"),
        "padding": Case(base: "w:0", with: "pd:5"),
        "auto_rotate": Case(base: "w:0", with: "ar:0", source: "turned.jpg"),
        "rotate": Case(base: "w:0", with: "rot:90"),
        "flip": Case(base: "w:0", with: "fl:1"),
        "background": Case(base: "w:0", with: "bg:ff0000", source: "clear.png"),
        "background_alpha": Case(base: "bg:ff0000", with: "bg:ff0000/bga:0.5", source: "clear.png"),
        "resizing_algorithm": Case(base: "w:50", with: "w:50/ra:nearest"),
        "blur": Case(base: "w:0", with: "bl:2"),
        "sharpen": Case(base: "w:0", with: "sh:2"),
        "pixelate": Case(base: "w:0", with: "pix:8"),
        "brightness": Case(base: "w:0", with: "br:40"),
        "contrast": Case(base: "w:0", with: "co:1.5"),
        "saturation": Case(base: "w:0", with: "sa:0.5"),
        "adjust": Case(base: "w:0", with: "a:10:1.2:0.8"),
        "watermark": Case(base: "w:0", with: "wm:1"),
        "watermark_url": Case(base: "wm:1", with: "wm:1/wmu:{mark}"),
        "quality": Case(base: "w:0", with: "q:20"),
        "format_quality": Case(base: "w:0", with: "fq:jpeg:20"),
        "max_bytes": Case(base: "w:0", with: "mb:800"),
        "format": Case(base: "w:0", with: "f:png"),
        "strip_metadata": Case(base: "w:0", with: "sm:0", source: "exif.jpg"),
        "keep_copyright": Case(base: "w:0", with: "kcr:0", source: "exif.jpg"),
        "strip_color_profile": Case(base: "w:0", with: "scp:0", source: "icc.jpg"),
        "jpeg_options": Case(base: "w:0", with: "jpgo:1"),
        "png_options": Case(base: "w:0", with: "pngo:1:1:16", source: "clear.png"),
        "webp_options": Case(base: "f:webp", with: "f:webp/webpo:lossless"),
        "avif_options": Case(base: "f:avif", with: "f:avif/avifo:off"),
        "page": Case(base: "w:0", with: "pg:1", source: "anim.gif"),
        "pages": Case(base: "w:0", with: "pgs:2", source: "pages.tif"),
        "disable_animation": Case(base: "w:0", with: "da:1", source: "anim.gif"),
        "skip_processing": Case(base: "w:0", with: "skp:jpeg"),
        "raw": Case(base: "w:0", with: "raw:1"),
        "expires": Case(base: "w:0", with: "exp:1000", status: 404),
        "filename": Case(base: "w:0", with: "fn:cat"),
        "return_attachment": Case(base: "w:0", with: "att:1"),
        "max_src_resolution": Case(base: "w:0", with: "msr:0.001", status: 400),
        "max_src_file_size": Case(base: "w:0", with: "msfs:100", status: 400),
        "max_result_dimension": Case(base: "w:0", with: "mrd:10", status: 400),
        "max_animation_frames": Case(base: "w:0", with: "maf:1", source: "anim.gif", status: 400),
    ]

    @Test func everyOptionChangesTheAnswer() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imgforge-walk-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let markPath = directory.appendingPathComponent("mark.png").path
        try Data(try TestImage.encode(width: 20, height: 10, suffix: ".png") { _, _ in (0, 255, 0) }).write(to: URL(fileURLWithPath: markPath))
        let stack = try ServiceStack(environment: [
            "IMGFORGE_ALLOW_SECURITY_OPTIONS": "true", "IMGFORGE_WATERMARK_PATH": markPath, "IMGFORGE_PRESETS": "walk=w:20",
            "IMGFORGE_CACHE_TYPE": "disk", "IMGFORGE_CACHE_DISK_PATH": "{stack}/cache",
        ])
        defer { stack.stop() }
        try stack.writeLocal("photo.jpg", try TestImage.encode(width: 200, height: 150, suffix: ".jpg") { x, y in
            (UInt8(x), UInt8(y), UInt8((x + y) % 256))
        })
        try stack.writeLocal("framed.png", try TestImage.encode(width: 100, height: 100, suffix: ".png") { x, y in
            (20..<80).contains(x) && (20..<80).contains(y) ? (200, 0, 0) : (255, 255, 255)
        })
        try stack.writeLocal("turned.jpg", try TestImage.encode(width: 120, height: 60, bands: 3, suffix: ".jpg", orientation: 6) { x, _ in [UInt8(x), 0, 0] })
        try stack.writeLocal("clear.png", try TestImage.encode(width: 60, height: 60, bands: 4, suffix: ".png") { x, _ in [UInt8(x * 4), 0, 0, x < 30 ? 0 : 255] })
        try stack.writeLocal("exif.jpg", try TestImage.encode(width: 60, height: 60, bands: 3, suffix: ".jpg",
                                                             metadata: ["exif-ifd0-Copyright": "Someone", "exif-ifd0-Artist": "Someone else"]) { x, _ in [UInt8(x), 0, 0] })
        try stack.writeLocal("icc.jpg", try TestImage.encode(width: 60, height: 60, bands: 3, suffix: ".jpg[profile=srgb]") { x, _ in [UInt8(x), 9, 9] })
        try stack.writeLocal("anim.gif", try TestAnimation.encode([(255, 0, 0), (0, 255, 0)], width: 40, height: 30, delays: [100, 100], loop: 0, suffix: ".gif"))
        try stack.writeLocal("pages.tif", try TestAnimation.encode([(255, 0, 0), (0, 255, 0)], width: 40, height: 30, delays: [], loop: 0, suffix: ".tif"))
        let markURL = Base64URL.encode(Array(stack.origin.url("/mark.png").utf8))
        stack.origin.serve("/mark.png", .image(try TestImage.encode(width: 10, height: 10, suffix: ".png") { _, _ in (0, 0, 255) }, contentType: "image/png"))

        let names = OptionsParser.optionNames
        // preset is read by the parser itself; cachebuster and preset are checked below.
        #expect(Set(names + ["preset"]) == Set(Self.cases.keys).union(["cachebuster", "preset"]),
                "every option has a case: \(Set(names).symmetricDifference(Self.cases.keys))")
        var unchanged: [String] = []
        for name in names.sorted() {
            guard let sample = Self.cases[name] else { continue }
            let base = try stack.get("/unsafe/\(sample.base)/plain/local:///\(sample.source)")
            let with = try stack.get("/unsafe/\(sample.with.replacingOccurrences(of: "{mark}", with: markURL))/plain/local:///\(sample.source)")
            let differs = base.status != with.status || base.body != with.body
                || ["Content-Type", "Content-Disposition", "Vary"].contains { base.header($0) != with.header($0) }
            #expect(base.status == 200, "\(name): the base answered \(base.status) \(base.text)")
            #expect(with.status == sample.status, "\(name): answered \(with.status) \(with.text)")
            if !differs { unchanged.append(name) }
        }
        #expect(unchanged.isEmpty, "options that changed nothing: \(unchanged)")

        // preset: a bundle of options, here a width.
        let preset = try TestImage(decoding: try stack.get("/unsafe/pr:walk/plain/local:///photo.jpg").body)
        #expect(preset.width == 20)
        // cachebuster changes the URL only: a new one is a new cache entry (nginx keeps answers to an unsigned
        // URI with an escape), processed again.
        let first = try stack.get("/unsafe/w:30/cb:1/plain/local:///ph%6Fto.jpg")
        let again = try stack.get("/unsafe/w:30/cb:1/plain/local:///ph%6Fto.jpg")
        let busted = try stack.get("/unsafe/w:30/cb:2/plain/local:///ph%6Fto.jpg")
        #expect([first, again, busted].map(\.status) == [200, 200, 200] && busted.body == first.body)
        #expect([first, again, busted].map { $0.header("X-Imgforge-Cache") } == ["MISS", "HIT", "MISS"])
        print("catalogue walk | options \(names.count) | each changed the answer: \(unchanged.isEmpty ? "all" : "not \(unchanged)")")
    }
}
