import Foundation
import ImgForgeCore
import Testing

/// Bad URLs and bad sources get a short 4xx/5xx with a reason; the service carries on.
@Suite(.serviceStack())
struct BadInputTests {
    /// Every error answer is plain text, not cacheable, and names the problem.
    private func expectError(_ target: String, status: Int, mentioning words: [String]) throws {
        let stack = try currentStack()
        let response = try stack.get(target)
        #expect(response.status == status, "\(target) answered \(response.status): \(response.text)")
        #expect(response.header("Content-Type")?.hasPrefix("text/plain") == true)
        #expect(response.header("Cache-Control") == "no-store")
        for word in words {
            #expect(response.text.contains(word), "\(target): body \"\(response.text)\" should mention \(word)")
        }
        #expect(try stack.get("/status").status == 200, "the service must keep answering after \(target)")
    }

    @Test func unknownRouteIs404() throws {
        try expectError("/favicon.ico", status: 404, mentioning: ["not found", "/favicon.ico"])
        try expectError("/", status: 404, mentioning: ["not found"])
    }

    @Test func malformedOptionIs400NamingTheOption() throws {
        try expectError("/unsafe/rs:fit:abc:100/plain/local:///a.jpg", status: 400, mentioning: ["rs", "rs:fit:abc:100"])
        try expectError("/unsafe/rs:stretch:100:100/plain/local:///a.jpg", status: 400, mentioning: ["rs", "TYPE"])
        try expectError("/unsafe/w:-5/plain/local:///a.jpg", status: 400, mentioning: ["w:-5"])
    }

    @Test func missingOrForeignSourceIs400() throws {
        try expectError("/unsafe/rs:fit:10:10", status: 400, mentioning: ["missing source"])
        try expectError("/unsafe/rs:fit:10:10/plain/", status: 400, mentioning: ["missing source"])
        try expectError("/unsafe/rs:fit:10:10/plain/file:///etc/passwd", status: 400, mentioning: ["unsupported scheme"])
        try expectError("/unsafe/rs:fit:10:10/plain/ftp://127.0.0.1/a.jpg", status: 400, mentioning: ["unsupported scheme"])
        try expectError("/unsafe/rs:fit:10:10/plain/http%E9", status: 400, mentioning: ["percent-encoding"])
        try expectError("/unsafe/rs:fit:10:10/!!notbase64!!.png", status: 400, mentioning: ["base64"])
        try expectError("/unsafe/rs:fit:10:10/plain/local:///a.jpg@bmp", status: 400, mentioning: ["extension", "bmp"])
    }

    @Test func unreadableSourcesGetDistinctAnswers() throws {
        let stack = try currentStack()
        stack.origin.serve("/gone.jpg", .respond(status: 404, contentType: "text/plain", body: Array("gone".utf8)))
        stack.origin.serve("/broken.jpg", .respond(status: 500, contentType: "text/plain", body: Array("oops".utf8)))
        stack.origin.serve("/page.jpg", .respond(status: 200, contentType: "image/jpeg", body: Array("<html>not an image</html>".utf8)))
        stack.origin.serve("/empty.jpg", .respond(status: 200, contentType: "image/jpeg", body: []))
        try expectError("/unsafe/rs:fit:10:10/plain/\(stack.origin.url("/gone.jpg"))", status: 404, mentioning: ["source not found", "404"])
        try expectError("/unsafe/rs:fit:10:10/plain/\(stack.origin.url("/broken.jpg"))", status: 502, mentioning: ["origin", "500"])
        try expectError("/unsafe/rs:fit:10:10/plain/\(stack.origin.url("/page.jpg"))", status: 422, mentioning: ["not a supported image"])
        try expectError("/unsafe/rs:fit:10:10/plain/\(stack.origin.url("/empty.jpg"))", status: 422, mentioning: ["empty"])
        let closedPort = try Sockets.freePort()
        try expectError("/unsafe/rs:fit:10:10/plain/http://127.0.0.1:\(closedPort)/a.jpg", status: 502, mentioning: ["origin error"])
    }

    @Test func truncatedImageIs422() throws {
        let stack = try currentStack()
        let jpeg = try TestImage.quadrants(width: 300, height: 300, suffix: ".jpg")
        try stack.writeLocal("truncated.jpg", Array(jpeg.prefix(200)))
        try expectError("/unsafe/rs:fit:10:10/plain/local:///truncated.jpg", status: 422, mentioning: ["decode"])
    }

    @Test func localSourcesStayInsideTheRoot() throws {
        let stack = try currentStack()
        try expectError("/unsafe/rs:fit:10:10/plain/local:///missing.jpg", status: 404, mentioning: ["source not found"])
        // Dot segments in the raw path are refused before anything else; in a base64 source the jail refuses them.
        try expectError("/unsafe/rs:fit:10:10/plain/local:///../../etc/passwd", status: 400, mentioning: ["dot segments"])
        try expectError("/unsafe/rs:fit:10:10/plain/local:///%2E%2E/%2E%2E/etc/passwd", status: 400, mentioning: ["dot segments"])
        for source in ["local:///../../etc/passwd", "local:///a/../../../etc/passwd"] {
            try expectError("/unsafe/rs:fit:10:10/\(Base64URL.encode(Array(source.utf8)))", status: 403, mentioning: ["leaves the local root"])
        }
        try FileManager.default.createSymbolicLink(
            atPath: stack.localRoot.appendingPathComponent("escape.jpg").path, withDestinationPath: "/etc/passwd")
        try expectError("/unsafe/rs:fit:10:10/plain/local:///escape.jpg", status: 403, mentioning: ["leaves the local root"])
    }

    @Test func otherMethodsAreRefused() throws {
        let response = try currentStack().get("/status", method: "DELETE")
        #expect(response.status == 405)
    }
}

@Suite(.serviceStack(["IMGFORGE_ALLOW_UNSIGNED": "false"]))
struct UnsignedRefusedTests {
    @Test func unsafeIsRefusedUnlessAllowed() throws {
        let response = try currentStack().get("/unsafe/rs:fit:10:10/plain/local:///a.jpg")
        #expect(response.status == 403)
        #expect(response.text.contains("unsigned"))
    }
}
