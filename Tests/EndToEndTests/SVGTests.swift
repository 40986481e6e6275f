import Foundation
import Testing

/// SVG sources: answered as SVG only once rebuilt without scripts, handlers, javascript: URLs,
/// external references or entities; rasterised when another format is asked.
@Suite(.serviceStack())
struct SVGTests {
    static let hostile = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- a comment -->
        <svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="50" onload="alert(1)">
          <script type="text/javascript"><![CDATA[ alert(document.cookie) ]]></script>
          <style>@import url(http://evil.example/x.css); rect { stroke: none }</style>
          <defs><rect id="r" width="100" height="50" fill="#ff0000"/></defs>
          <use xlink:href="#r" onclick="steal()"/>
          <use xlink:href="http://evil.example/sprite.svg#a"/>
          <a href="javascript:alert(2)"><circle cx="5" cy="5" r="1" fill="url(http://evil.example/p#g)"/></a>
          <foreignObject width="10" height="10"><iframe src="http://evil.example/"/></foreignObject>
          <text x="1" y="40">1 &lt; 2</text>
        </svg>
        """

    private func stack() throws -> ServiceStack {
        let stack = try currentStack()
        try stack.writeLocalOnce("hostile.svg") { Array(Self.hostile.utf8) }
        return stack
    }

    @Test func svgIsAnsweredSanitised() throws {
        let response = try stack().get("/unsafe/plain/local:///hostile.svg")
        #expect(response.status == 200 && response.header("Content-Type") == "image/svg+xml", "\(response.status) \(response.text)")
        let text = response.text
        for banned in ["<script", "alert", "onload", "onclick", "javascript:", "evil.example", "foreignObject", "iframe", "@import", "<!--"] {
            #expect(!text.contains(banned), "\(banned) survived: \(text)")
        }
        for kept in ["<svg", "xmlns=\"http://www.w3.org/2000/svg\"", "<rect", "fill=\"#ff0000\"", "xlink:href=\"#r\"", "1 &lt; 2", "rect { stroke: none }"].dropLast() {
            #expect(text.contains(kept), "\(kept) is missing: \(text)")
        }
        #expect(!text.contains("rect { stroke: none }"), "a style sheet with an import is dropped whole")
        // What comes back is still an SVG that renders.
        let raster = try TestImage(decoding: Array(text.utf8))
        #expect((raster.width, raster.height) == (100, 50) && raster.colourName(50, 25) == "red")
    }

    @Test func svgIsRasterisedForOtherFormats() throws {
        let stack = try stack()
        let png = try TestImage(decoding: try stack.get("/unsafe/plain/local:///hostile.svg@png").body)
        #expect(png.loader == "pngload_buffer" && (png.width, png.height) == (100, 50) && png.colourName(50, 25) == "red")
        let small = try TestImage(decoding: try stack.get("/unsafe/rs:fit:50:50/plain/local:///hostile.svg@webp").body)
        #expect(small.loader == "webpload_buffer" && (small.width, small.height) == (50, 25))
    }

    @Test func svgAnswersCannotApplyPixelOptions() throws {
        let response = try stack().get("/unsafe/rs:fit:50:50/plain/local:///hostile.svg")
        #expect(response.status == 400 && response.text.contains("cannot apply width") && response.text.contains("@png"), "\(response.text)")
        #expect(try stack().get("/unsafe/q:50/cb:1/plain/local:///hostile.svg").status == 200, "options that change no pixel are fine")
    }

    @Test func entitiesAndNonSVGOutputsAreRefused() throws {
        let stack = try stack()
        let bomb = """
            <?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
            <svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&b;</text></svg>
            """
        try stack.writeLocal("bomb.svg", Array(bomb.utf8))
        for target in ["/unsafe/plain/local:///bomb.svg", "/unsafe/plain/local:///bomb.svg@png"] {
            let response = try stack.get(target)
            #expect(response.status == 400 && response.text.contains("entities"), "\(target): \(response.status) \(response.text)")
        }
        try stack.writeLocal("photo.jpg", try TestImage.quadrants(width: 20, height: 20, suffix: ".jpg"))
        let asked = try stack.get("/unsafe/plain/local:///photo.jpg@svg")
        #expect(asked.status == 400 && asked.text.contains("svg output needs an SVG source"), "\(asked.text)")
        let raw = try stack.get("/unsafe/raw:1/plain/local:///hostile.svg")
        #expect(raw.status == 200 && !raw.text.contains("<script"), "raw SVG is sanitised too")
    }
}
