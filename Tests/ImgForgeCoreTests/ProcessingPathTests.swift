import ImgForgeCore
import Testing

struct ProcessingPathTests {
    @Test func plainSourceWithOptionsAndExtension() throws {
        let path = try ProcessingPath(path: "/sig/rs:fill:300:400:0/g:sm/plain/http://example.com/a%20b.jpg@webp")
        #expect(path.signature == "sig")
        #expect(path.signedPart == "/rs:fill:300:400:0/g:sm/plain/http://example.com/a%20b.jpg@webp")
        #expect(path.options == [RawOption(name: "rs", arguments: ["fill", "300", "400", "0"]), RawOption(name: "g", arguments: ["sm"])])
        #expect(path.source == .http(url: "http://example.com/a b.jpg"))
        #expect(path.sourceExtension == "webp")
    }

    @Test func plainSourceKeepsAtSignsThatAreNotAnExtension() throws {
        let path = try ProcessingPath(path: "/unsafe/plain/http://user@example.com/a.jpg")
        #expect(path.source == .http(url: "http://user@example.com/a.jpg"))
        #expect(path.sourceExtension == nil)
    }

    @Test func collapsedSchemeSlashIsRepaired() throws {
        let path = try ProcessingPath(path: "/unsafe/plain/http:/example.com/a.jpg")
        #expect(path.source == .http(url: "http://example.com/a.jpg"))
        let https = try ProcessingPath(path: "/unsafe/plain/https:/example.com/a.jpg")
        #expect(https.source == .http(url: "https://example.com/a.jpg"))
    }

    @Test func encodedPlainSourceKeepsItsQuery() throws {
        let path = try ProcessingPath(path: "/unsafe/w:10/plain/http%3A%2F%2Fexample.com%2Fi.png%3Fa%3D1%26b%3D2")
        #expect(path.source == .http(url: "http://example.com/i.png?a=1&b=2"))
    }

    @Test func base64SourceSplitWithAndWithoutPadding() throws {
        // The specification's example: the URL split across four segments, then `.png`.
        let path = try ProcessingPath(path: "/sig/rs:fill:300:400:0/g:sm/aHR0cDovL2V4YW1w/bGUuY29tL2ltYWdl/cy9jdXJpb3NpdHku/anBn.png")
        #expect(path.source == .http(url: "http://example.com/images/curiosity.jpg"))
        #expect(path.sourceExtension == "png")
        let padded = try ProcessingPath(path: "/unsafe/" + Base64URL.encode(Array("http://a.b/c".utf8)) + "==")
        #expect(padded.source == .http(url: "http://a.b/c"))
    }

    @Test func localAndS3Sources() throws {
        #expect(try ProcessingPath(path: "/unsafe/plain/local:///dir/a.png").source == .local(path: "/dir/a.png"))
        #expect(try ProcessingPath(path: "/unsafe/plain/s3://bucket/key/a.png").source == .s3(bucket: "bucket", key: "key/a.png"))
    }

    @Test(arguments: [
        ("/unsafe/rs:fit:1:1", "missing source"),
        ("/unsafe/plain/", "missing source"),
        ("/unsafe/plain/file:///etc/passwd", "unsupported scheme"),
        ("/unsafe/plain/gopher://x/", "unsupported scheme"),
        ("/unsafe/plain/http%E9", "percent-encoding"),
        ("/unsafe/plain/http%4", "percent-encoding"),
        ("/unsafe/plain/http:///nohost", "missing host"),
        ("/unsafe/plain/s3://bucket", "s3://bucket/key"),
        ("/unsafe/@@@@", "base64"),
        ("/unsafe/A", "base64"),
        ("//plain/http://x/", "empty signature"),
        ("/onlysignature", "expected /<signature>"),
    ])
    func malformedPathsAreBadRequests(path: String, reason: String) throws {
        let error = try #require(throws: ServiceError.self) { try ProcessingPath(path: path) }
        #expect(error.status == 400)
        #expect(error.message.contains(reason), "\(error.message)")
    }
}

struct RouteTests {
    @Test func fixedRoutes() throws {
        #expect(try Route(requestURI: "/status") == .status)
        #expect(try Route(requestURI: "/status?x=1") == .status)
        #expect(try Route(requestURI: "/metrics") == .metrics)
    }

    @Test func imageAndInfoShareTheParser() throws {
        guard case .image(let image) = try Route(requestURI: "/unsafe/w:10/plain/local:///a.png?ignored=1") else {
            Issue.record("not an image route")
            return
        }
        #expect(image.source == .local(path: "/a.png"))
        guard case .info(let info) = try Route(requestURI: "/info/unsafe/plain/local:///a.png") else {
            Issue.record("not an info route")
            return
        }
        #expect(info.signedPart == "/plain/local:///a.png")
    }

    @Test(arguments: ["/", "", "/favicon.ico", "/robots.txt"])
    func singleSegmentsAreNotFound(uri: String) throws {
        let error = try #require(throws: ServiceError.self) { try Route(requestURI: uri) }
        #expect(error.status == 404)
    }
}
