import Foundation
import Testing

/// `s3://bucket/key` against a real S3-compatible server (moto) on 127.0.0.1 that checks signatures.
struct S3SourceTests {
    @Test func signedFetchesWithGoodAndBadCredentials() throws {
        let port = try Sockets.freePort()
        let endpoint = "http://127.0.0.1:\(port)"
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("imgforge-s3-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        // Three set-up calls go unauthenticated; everything after must be signed correctly.
        let moto = Process()
        moto.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        moto.arguments = ["moto_server", "-H", "127.0.0.1", "-p", String(port)]
        moto.environment = ProcessInfo.processInfo.environment.merging(["INITIAL_NO_AUTH_ACTION_COUNT": "3"]) { _, new in new }
        moto.standardOutput = FileHandle.nullDevice
        moto.standardError = FileHandle.nullDevice
        try moto.run()
        defer { ServiceStack.stop(moto, timeout: 2) }
        let deadline = Date().addingTimeInterval(30)
        // A bare connection tells it is up without spending one of the unauthenticated calls.
        while true {
            if let probe = Sockets.connectLoopback(port: port) {
                close(probe)
                break
            }
            guard Date() < deadline, moto.isRunning else { throw TestFailure("moto_server did not start (make test installs it)") }
            usleep(100_000)
        }

        let photo = scratch.appendingPathComponent("photo.jpg")
        try Data(try TestImage.quadrants(width: 200, height: 100, suffix: ".jpg")).write(to: photo)
        let fixture = ServiceStack.repository.appendingPathComponent("Tests/EndToEndTests/Support/s3_fixture.py").path
        let keys = try run("python3", [fixture, endpoint, "photos", "2024/summer holiday/photo.jpg=\(photo.path)"]).split(separator: " ").map(String.init)
        #expect(keys.count == 2)

        let good = try ServiceStack(environment: [
            "IMGFORGE_S3_ENDPOINT": endpoint, "IMGFORGE_S3_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": keys[0], "AWS_SECRET_ACCESS_KEY": keys[1],
            "IMGFORGE_ALLOW_LOOPBACK_SOURCES": "false",
        ])
        defer { good.stop() }
        let response = try good.get("/unsafe/rs:fit:100:100/plain/s3://photos/2024/summer%20holiday/photo.jpg")
        #expect(response.status == 200, "\(response.text)")
        #expect(try TestImage(decoding: response.body).width == 100)
        let missing = try good.get("/unsafe/w:10/plain/s3://photos/nope.jpg")
        #expect(missing.status == 404 && missing.text.contains("source not found"))

        let bad = try ServiceStack(environment: [
            "IMGFORGE_S3_ENDPOINT": endpoint, "IMGFORGE_S3_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": keys[0], "AWS_SECRET_ACCESS_KEY": "not-the-secret",
        ])
        defer { bad.stop() }
        let refused = try bad.get("/unsafe/rs:fit:100:100/plain/s3://photos/2024/summer%20holiday/photo.jpg")
        #expect(refused.status == 404, "the storage answers 403; every other origin 4xx is a 404 here")
        #expect(refused.text.contains("origin answered 403"))
    }
}
