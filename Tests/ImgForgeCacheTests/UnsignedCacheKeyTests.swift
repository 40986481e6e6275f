import Foundation
@testable import ImgForgeCache
import Testing

/// The names of unsigned URIs (nginx computes the same ones: the end-to-end tests check the two agree).
struct UnsignedCacheKeyTests {
    private func path(_ uri: String, variant: String = "", extension ext: String = "jpg") -> String? {
        CacheKey(unsignedRequestURI: uri, variant: variant)?.path(extension: ext)
    }

    @Test func strictURIsNameTheirFile() {
        #expect(path("/unsafe/w:300/plain/http://origin:8080/a.jpg") == "u/w:300/plain/http:/~/origin:8080/a.jpg~.jpg")
        #expect(path("/unsafe/rs:fill:300:200/plain/local:///photo.jpg", variant: "w", extension: "webp")
            == "u/rs:fill:300:200/plain/local:/~~/photo.jpg~.w.webp")
        #expect(path("/unsafe/w:30/aHR0cDovL2EvYi5qcGc.png") == "u/w:30/aHR0cDovL2EvYi5qcGc.png~.jpg")
        #expect(path("/unsafe/g:fp:0.5:-0.25/bg:ff00aa/plain/s3://bucket/key@webp") == "u/g:fp:0.5:-0.25/bg:ff00aa/plain/s3:/~/bucket/key@webp~.jpg")
        #expect(path("/unsafe/.../x") == "u/.../x~.jpg", "three dots are an ordinary name")
    }

    @Test func everythingElseHasNoName() {
        let refused = [
            "/unsafe/", "/unsafe//x", "/unsafe/x/", "/unsafe/x//", "/unsafe/x///", "/unsafe/./x", "/unsafe/x/..", "/unsafe/x/../y",
            "/unsafe/x?y", "/unsafe/x%2Fy", "/unsafe/x~", "/unsafe/~/x", "/unsafe/x y", "/unsafe/x+y", "/unsafe/x////y",
            "/unsafe/a//b//c", "/unsafe/a//b///c", "/unsafe/\u{e9}", "/unsafe/x\u{0}y", "/unsafe/x\\y", "/unsafe/x#y",
            "/info/unsafe/x", "/UNSAFE/x", "/unsafex/y", "/" + String(repeating: "a", count: 43) + "/x",
            "/unsafe/" + String(repeating: "a", count: 201), "/unsafe/" + Array(repeating: String(repeating: "a", count: 200), count: 11).joined(separator: "/"),
        ]
        for uri in refused {
            #expect(path(uri) == nil, "\(uri.prefix(80))")
        }
        #expect(path("/unsafe/" + String(repeating: "a", count: 200)) != nil, "200 bytes is a segment's limit")
        #expect(CacheKey(unsignedRequestURI: "/unsafe/x", variant: "x") == nil)
    }

    /// No two URIs share a file, and no file is another's directory: the URI can be read back from the name.
    @Test func namesAreOneToOneAndNeverDirectories() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab.:,=@-_")
        func segment() -> String {
            String((0..<Int.random(in: 1...3, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        var names: [String: String] = [:]
        var directories = Set<String>()
        for _ in 0..<20000 {
            var uri = "/unsafe/" + (0..<Int.random(in: 1...4, using: &generator)).map { _ in segment() }.joined(separator: "/")
            if Bool.random(using: &generator) { uri += ["//", "///"].randomElement(using: &generator)! + segment() }
            guard let key = CacheKey(unsignedRequestURI: uri, variant: ["", "a", "w"].randomElement(using: &generator)!) else { continue }
            let file = key.path(extension: "jpg")
            if let other = names[file] { #expect(other == uri + key.variant, "\(uri) and \(other) share \(file)") }
            names[file] = uri + key.variant
            #expect(file.split(separator: "/").last!.contains("~."))
            var parent = ""
            for component in file.split(separator: "/").dropLast() {
                parent += (parent.isEmpty ? "" : "/") + component
                directories.insert(parent)
            }
            // Read back: the marker segment is the one join.
            let written = (key.directory + "/" + key.name.dropLast()).dropFirst(2)
            let read = "/unsafe/" + written.replacingOccurrences(of: "/~~/", with: "///").replacingOccurrences(of: "/~/", with: "//")
            #expect(read == uri, "\(uri) read back as \(read)")
        }
        #expect(names.count > 1000)
        #expect(directories.isDisjoint(with: names.keys), "a file's name is also a directory's")
    }
}
