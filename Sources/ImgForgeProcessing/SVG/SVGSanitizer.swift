import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ImgForgeCore

/// Rewrites an SVG document keeping only what draws: no scripts, no event handlers, no
/// `javascript:` and no references outside the document, no DTD or entities, no comments or
/// processing instructions. What comes out is built from the parsed elements, never copied, so
/// nothing the parser did not understand survives.
enum SVGSanitizer {
    /// Larger SVG sources are refused before parsing.
    static let maxBytes = 4 << 20

    /// Elements dropped with everything inside them.
    private static let droppedElements: Set<String> = [
        "script", "foreignobject", "iframe", "object", "embed", "audio", "video", "handler", "listener",
    ]

    /// True when the bytes start like an SVG document (raster formats never start with `<`).
    static func looksLikeSVG(_ source: SourceBuffer) -> Bool {
        let bytes = source.bytes
        var start = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
        while start < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[start]) { start += 1 }
        guard start < bytes.count, bytes[start] == UInt8(ascii: "<") else { return false }
        let head = String(decoding: bytes[start..<min(bytes.count, start + 4096)], as: UTF8.self).lowercased()
        return head.contains("<svg")
    }

    static func sanitize(_ source: SourceBuffer) throws -> [UInt8] {
        let bytes = source.bytes
        guard bytes.count <= maxBytes else {
            throw ServiceError(.badRequest, "SVG source is \(bytes.count) bytes, over the \(maxBytes) byte limit for SVG")
        }
        // The XML parser traps (taking the worker down) on names that are not UTF-8: check first.
        // An SVG in another encoding is refused with them.
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ServiceError(.unprocessable, "SVG source is not valid UTF-8")
        }
        let data = Data(bytes)
        // Entity declarations are how XML bombs and external entities work: refuse them outright.
        if data.range(of: Data("<!ENTITY".utf8)) != nil || data.range(of: Data("<!entity".utf8)) != nil {
            throw ServiceError(.badRequest, "SVG source declares XML entities, which are refused")
        }
        let parser = XMLParser(data: data)
        let writer = Writer()
        parser.delegate = writer
        parser.shouldResolveExternalEntities = false
        guard parser.parse(), writer.sawSVGRoot else {
            throw ServiceError(.unprocessable, "SVG source cannot be parsed")
        }
        return Array(writer.output.utf8)
    }

    /// Keeps an attribute when it cannot run code or fetch anything.
    static func keeps(attribute name: String, value: String) -> Bool {
        let name = name.lowercased()
        let compact = value.lowercased().filter { !$0.isWhitespace && $0 != "\0" }
        if name.hasPrefix("on") || compact.contains("javascript:") || compact.contains("vbscript:") { return false }
        if name == "href" || name.hasSuffix(":href") || name == "src" {
            return compact.hasPrefix("#") || isInlineImage(compact)
        }
        if name == "style" { return keeps(css: compact) }
        return !compact.contains("url(") || onlyLocalURLs(compact)
    }

    /// CSS with no imports and no url() outside the document.
    static func keeps(css: String) -> Bool {
        let compact = css.lowercased().filter { !$0.isWhitespace }
        return !compact.contains("@import") && !compact.contains("javascript:") && !compact.contains("expression(") && onlyLocalURLs(compact)
    }

    private static func isInlineImage(_ value: String) -> Bool {
        ["data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp"].contains { value.hasPrefix($0) }
    }

    /// Every `url(` points inside the document (`url(#id)`).
    private static func onlyLocalURLs(_ compact: String) -> Bool {
        var rest = Substring(compact)
        while let range = rest.range(of: "url(") {
            rest = rest[range.upperBound...]
            let target = rest.drop { $0 == "'" || $0 == "\"" }
            guard target.hasPrefix("#") else { return false }
        }
        return true
    }

    /// Rebuilds the document from parser events.
    private final class Writer: NSObject, XMLParserDelegate {
        var output = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        var sawSVGRoot = false
        private var depth = 0
        /// Inside a dropped element: its depth, while it lasts.
        private var droppedAt: Int?
        private var openStyle: String?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            depth += 1
            if depth == 1 { sawSVGRoot = local(name) == "svg" }
            guard droppedAt == nil else { return }
            if !sawSVGRoot || SVGSanitizer.droppedElements.contains(local(name)) {
                droppedAt = depth
                return
            }
            if local(name) == "style" { openStyle = "" }
            output += "<\(name)"
            for (attribute, value) in attributes.sorted(by: { $0.key < $1.key }) where SVGSanitizer.keeps(attribute: attribute, value: value) {
                output += " \(attribute)=\"\(escape(value, quotes: true))\""
            }
            output += ">"
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            defer { depth -= 1 }
            if let dropped = droppedAt {
                if dropped == depth { droppedAt = nil }
                return
            }
            if let css = openStyle {
                openStyle = nil
                if SVGSanitizer.keeps(css: css) { output += escape(css, quotes: false) }
            }
            output += "</\(name)>"
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text(string)
        }

        func parser(_ parser: XMLParser, foundCDATA data: Data) {
            text(String(decoding: data, as: UTF8.self))
        }

        private func text(_ string: String) {
            guard droppedAt == nil, depth > 0 else { return }
            if openStyle != nil {
                openStyle! += string
            } else {
                output += escape(string, quotes: false)
            }
        }

        private func local(_ name: String) -> String {
            (name.split(separator: ":").last.map(String.init) ?? name).lowercased()
        }

        private func escape(_ text: String, quotes: Bool) -> String {
            var result = ""
            for character in text {
                switch character {
                case "&": result += "&amp;"
                case "<": result += "&lt;"
                case ">": result += "&gt;"
                case "\"" where quotes: result += "&quot;"
                default: result.append(character)
                }
            }
            return result
        }
    }
}
