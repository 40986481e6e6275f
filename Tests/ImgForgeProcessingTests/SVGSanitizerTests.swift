@testable import ImgForgeProcessing
import ImgForgeCore
import Testing

struct SVGSanitizerTests {
    @Test(arguments: [
        ("onload", "alert(1)", false), ("ONCLICK", "x()", false), ("fill", "red", true), ("fill", "url(#g)", true),
        ("fill", "url( 'http://x/y#g')", false), ("href", "#a", true), ("xlink:href", "#a", true), ("href", "http://x/a.svg", false),
        ("xlink:href", "//x/a.svg#a", false), ("href", "java\nscript:alert(1)", false), ("href", "data:image/png;base64,AAAA", true),
        ("href", "data:image/svg+xml;base64,AAAA", false), ("style", "fill:red", true), ("style", "background:url(http://x/)", false),
        ("style", "fill: expression(alert(1))", false), ("values", "javascript:alert(1)", false),
    ])
    func attributes(name: String, value: String, kept: Bool) {
        #expect(SVGSanitizer.keeps(attribute: name, value: value) == kept, "\(name)=\(value)")
    }

    @Test func onlySVGLooksLikeSVG() {
        for (text, svg) in [("<svg/>", true), ("\u{FEFF} \n<?xml version=\"1.0\"?><svg>", true), ("<html><body/>", false), ("GIF89a<svg>", false)] {
            #expect(SVGSanitizer.looksLikeSVG(SourceBuffer(copying: Array(text.utf8))) == svg, "\(text)")
        }
    }

    /// A stress-run find: three flipped bits made an attribute name invalid UTF-8, on which the XML
    /// parser trapped and took its worker down.
    @Test func invalidUTF8IsRefusedBeforeTheParser() {
        let text = Array(#"<svg xmlns="http://www.w3.org/2000/svg" wi"#.utf8) + [0xE4] + Array(#"th="64" height="48"><rect/></svg>"#.utf8)
        #expect(throws: ServiceError.self) { try SVGSanitizer.sanitize(SourceBuffer(copying: text)) }
    }
}
