import Foundation
import ImgForgeCore
import Testing

/// The first image route, through nginx, FastCGI, libcurl and libvips.
@Suite(.serviceStack())
struct ImageRouteTests {
    @Test func statusAnswersOK() throws {
        let response = try currentStack().get("/status")
        #expect(response.status == 200)
        let status = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        #expect(status?["status"] as? String == "ok")
        let workers = status?["workers"] as? [String: Int]
        #expect(workers?["configured"] != nil && workers?["alive"] == workers?["configured"], "\(response.text)")
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.header("X-Request-ID")?.isEmpty == false)
    }

    @Test func httpSourceIsFetchedAndResizedToJPEG() throws {
        let stack = try currentStack()
        stack.origin.serve("/photo.jpg", .image(try TestImage.quadrants(width: 1000, height: 600, suffix: ".jpg[Q=95]"), contentType: "image/jpeg"))
        let response = try stack.get("/unsafe/rs:fit:300:200/plain/\(stack.origin.url("/photo.jpg"))")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "image/jpeg")
        #expect(response.header("Content-Length") == String(response.body.count))
        #expect(response.header("Cache-Control") == "public, max-age=31536000")
        #expect(response.header("X-Request-ID")?.isEmpty == false)
        let image = try TestImage(decoding: response.body)
        #expect(image.loader.hasPrefix("jpegload"))
        #expect((image.width, image.height) == (300, 180))
        // The top-left quadrant is red, the bottom-right yellow: the picture survived, not just the size.
        let topLeft = image.pixel(30, 30), bottomRight = image.pixel(270, 150)
        #expect(topLeft[0] > 200 && topLeft[1] < 60 && topLeft[2] < 60)
        #expect(bottomRight[0] > 200 && bottomRight[1] > 200 && bottomRight[2] < 60)
    }

    @Test func localSourceIsReadBelowTheRoot() throws {
        let stack = try currentStack()
        try stack.writeLocal("nested/portrait.png", try TestImage.quadrants(width: 400, height: 800, suffix: ".png"))
        let response = try stack.get("/unsafe/rs:fit:100:100/plain/local:///nested/portrait.png")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "image/png")
        let image = try TestImage(decoding: response.body)
        #expect((image.width, image.height) == (50, 100))
    }

    @Test func percentEncodedSourceKeepsItsQueryAndExtensionPicksFormat() throws {
        let stack = try currentStack()
        stack.origin.serve("/encoded.png", .image(try TestImage.quadrants(width: 200, height: 100, suffix: ".png"), contentType: "image/png"))
        let encoded = "http%3A%2F%2F127.0.0.1%3A\(stack.origin.port)%2Fencoded.png%3Fv%3D1%26w%3D2"
        let response = try stack.get("/unsafe/rs:fit:100:100/plain/\(encoded)@jpg")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "image/jpeg")
        #expect(stack.origin.requests.contains("/encoded.png?v=1&w=2"))
        let image = try TestImage(decoding: response.body)
        #expect((image.width, image.height) == (100, 50))
    }

    @Test func base64SourceSplitBySlashes() throws {
        let stack = try currentStack()
        stack.origin.serve("/b64.jpg", .image(try TestImage.quadrants(width: 640, height: 480, suffix: ".jpg"), contentType: "image/jpeg"))
        let encoded = Base64URL.encode(Array(stack.origin.url("/b64.jpg").utf8))
        let split = stride(from: 0, to: encoded.count, by: 10).map { offset in
            String(encoded.dropFirst(offset).prefix(10))
        }.joined(separator: "/")
        let response = try stack.get("/unsafe/rs:fit:320:320/\(split).png")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "image/png")
        let image = try TestImage(decoding: response.body)
        #expect((image.width, image.height) == (320, 240))
    }

    @Test func smallerSourceIsNotEnlarged() throws {
        let stack = try currentStack()
        stack.origin.serve("/small.jpg", .image(try TestImage.quadrants(width: 120, height: 80, suffix: ".jpg"), contentType: "image/jpeg"))
        let response = try stack.get("/unsafe/rs:fit:600:400/plain/\(stack.origin.url("/small.jpg"))")
        let image = try TestImage(decoding: response.body)
        #expect((image.width, image.height) == (120, 80))
    }

    @Test func concurrentRequestsAllSucceed() async throws {
        let stack = try currentStack()
        stack.origin.serve("/concurrent.jpg", .image(try TestImage.quadrants(width: 800, height: 800, suffix: ".jpg"), contentType: "image/jpeg"))
        let sizes = try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
            for index in 1...24 {
                group.addTask {
                    let response = try stack.get("/unsafe/rs:fit:\(10 * index):\(10 * index)/plain/\(stack.origin.url("/concurrent.jpg"))")
                    let image = try TestImage(decoding: response.body)
                    return (index, image.width, image.height)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(sizes.count == 24)
        for (index, width, height) in sizes {
            #expect(width == 10 * index && height == 10 * index)
        }
    }
}
