import Foundation
import ImgForgeCore
import Synchronization
import Testing

/// Findings of the security audit, each from its repro.
@Suite(.serialized)
struct HardeningTests {
    /// M2: http_proxy and friends in imgforge's environment used to route fetches through a proxy,
    /// where the address guard only saw the proxy's address.
    @Test func proxyVariablesInTheEnvironmentAreIgnored() throws {
        let proxy = try TestOrigin()
        defer { proxy.stop() }
        let proxyURL = "http://127.0.0.1:\(proxy.port)"
        let stack = try ServiceStack(environment: ["http_proxy": proxyURL, "HTTPS_PROXY": proxyURL, "ALL_PROXY": proxyURL, "NO_PROXY": ""])
        defer { stack.stop() }
        let metadata = try stack.get("/unsafe/plain/http://169.254.169.254/latest/x.png")
        #expect(metadata.status == 403 && metadata.text.contains("cloud metadata"), "\(metadata.status) \(metadata.text)")
        stack.origin.serve("/direct.jpg", .image(try TestImage.quadrants(width: 20, height: 20, suffix: ".jpg"), contentType: "image/jpeg"))
        #expect(try stack.get("/unsafe/w:10/plain/\(stack.origin.url("/direct.jpg"))").status == 200)
        #expect(proxy.requests.isEmpty, "nothing went through the proxy: \(proxy.requests)")
    }

    /// L1: a client URL to the S3 endpoint's host and port used to reuse the trusted (unguarded)
    /// connection an s3:// fetch had left open.
    @Test func aClientURLNeverReusesTheTrustedS3Connection() throws {
        let endpoint = try TestOrigin()
        defer { endpoint.stop() }
        let jpeg = try TestImage.quadrants(width: 20, height: 20, suffix: ".jpg")
        let answered = Mutex(0)
        // An endpoint that keeps its connections open and answers every request sent on them.
        endpoint.serve("/bucket/x.jpg", .custom { connection in
            let head = "HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: \(jpeg.count)\r\nConnection: keep-alive\r\n\r\n"
            var buffer: [UInt8] = []
            repeat {
                answered.withLock { $0 += 1 }
                guard connection.send(Array(head.utf8) + jpeg) else { return }
                buffer = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                while buffer.firstRange(of: Array("\r\n\r\n".utf8)) == nil {
                    let count = recv(connection.fd, &chunk, chunk.count, 0)
                    guard count > 0 else { return }
                    buffer += chunk[0..<count]
                }
            } while true
        })
        let stack = try ServiceStack(environment: [
            "IMGFORGE_WORKERS": "1", "IMGFORGE_ALLOW_LOOPBACK_SOURCES": "false",
            "IMGFORGE_S3_ENDPOINT": "http://127.0.0.1:\(endpoint.port)", "IMGFORGE_S3_REGION": "us-east-1",
        ])
        defer { stack.stop() }
        let direct = "/unsafe/w:10/plain/\(endpoint.url("/bucket/x.jpg"))"
        #expect(try stack.get(direct).status == 403, "loopback is refused to clients")
        #expect(try stack.get("/unsafe/w:10/plain/s3://bucket/x.jpg").status == 200, "the operator's endpoint is trusted")
        let again = try stack.get(direct)
        #expect(again.status == 403, "the same URL after an s3:// fetch: \(again.status) \(again.text)")
        #expect(answered.withLock { $0 } == 1, "only the s3:// fetch reached the endpoint")
    }

    /// M3: metadata services stay refused when link-local sources are allowed, and a closed port
    /// or an unknown host answers the same text as any other unreachable origin.
    @Test func metadataIsRefusedAndUnreachableOriginsLookAlike() throws {
        let stack = try ServiceStack(environment: ["IMGFORGE_ALLOW_LINK_LOCAL_SOURCES": "true"])
        defer { stack.stop() }
        let metadata = try stack.get("/unsafe/plain/http://169.254.169.254/latest/meta-data/x.png")
        #expect(metadata.status == 403 && metadata.text.contains("cloud metadata"), "\(metadata.status) \(metadata.text)")
        let closed = try Sockets.freePort()
        let answers = try ["http://127.0.0.1:\(closed)/a.jpg", "http://no-such-host.invalid/a.jpg"].map { try stack.get("/unsafe/plain/\($0)") }
        #expect(answers.allSatisfy { $0.status == 502 } && Set(answers.map(\.text)).count == 1, "\(answers.map(\.text))")
        #expect(answers[0].text.contains("origin error") && !answers[0].text.contains("connect"), "\(answers[0].text)")
        #expect(stack.imgforgeLog.contains("Couldn't connect"), "the log keeps libcurl's reason")
    }

    /// L7: every answer carries nosniff — hits and misses, imgforge's errors and nginx's own refusals —
    /// and text from a URL stays one line in the log and in the answer.
    @Test func everyAnswerSaysNosniffAndURLTextCannotForgeLogLines() throws {
        let stack = try ServiceStack(environment: [
            "IMGFORGE_CACHE_TYPE": "disk", "IMGFORGE_CACHE_DISK_PATH": "{stack}/cache",
            "IMGFORGE_KEY": testKey, "IMGFORGE_SALT": testSalt, "IMGFORGE_SECRET": "s3cret",
        ])
        defer { stack.stop() }
        try stack.writeLocal("photo.jpg", try TestImage.quadrants(width: 40, height: 40, suffix: ".jpg"))
        let bearer = ["Authorization": "Bearer s3cret"]
        let url = try signed("/w:20/plain/local:///photo.jpg")
        let answers = [
            ("miss", try stack.get(url, headers: bearer)), ("hit", try stack.get(url, headers: bearer)),
            ("unsigned miss", try stack.get("/unsafe/w:21/plain/local:///photo.jpg", headers: bearer)),
            ("imgforge's 400", try stack.get("/unsafe/w:x/plain/local:///photo.jpg", headers: bearer)),
            ("nginx's 403", try stack.get(url)), ("status", try stack.get("/status")),
        ]
        for (name, response) in answers {
            #expect(response.header("X-Content-Type-Options") == "nosniff", "\(name): \(response.status) \(response.headers)")
        }
        let forged = try stack.get("/unsafe/plain/ftp:%0aFAKE%20ENTRY%0d", headers: bearer)
        #expect(forged.status == 400 && forged.text.contains("\\n") && !forged.text.dropLast().contains("\n"), "\(forged.text)")
        let lines = stack.imgforgeLog.split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("FAKE ENTRY") }, "no forged line in the log")
        #expect(lines.contains { $0.contains("FAKE ENTRY") && $0.contains("msg=request ") && $0.contains("status=400") },
                "the refusal is logged on its own line")
    }

    /// L5: a URI whose dot segments nginx resolves to /status used to reach the status location
    /// (no rate limit, no cache); imgforge, reading the raw URI, now refuses dot segments too.
    @Test func dotSegmentsReachNeitherStatusNorAnImage() throws {
        let stack = try ServiceStack()
        defer { stack.stop() }
        let sneaky = try stack.get("/unsafe/w:1/plain/http:/127.0.0.1:9/a.png/../../../../../../status")
        #expect(sneaky.status == 404 && !sneaky.text.contains("workers"), "\(sneaky.status) \(sneaky.text)")
        #expect(try stack.get("/status").status == 200 && (try stack.get("/status?full")).status == 200)
        try stack.writeLocal("photo.jpg", try TestImage.quadrants(width: 20, height: 20, suffix: ".jpg"))
        for target in ["/unsafe/w:10/plain/local:///a/../photo.jpg", "/unsafe/w:10/plain/local:///a/%2e%2E/photo.jpg", "/unsafe/./w:10/plain/local:///photo.jpg"] {
            let response = try stack.get(target)
            #expect(response.status == 400 && response.text.contains("dot segments"), "\(target): \(response.status) \(response.text)")
        }
        #expect(try stack.get("/unsafe/w:10/plain/local:///photo.jpg").status == 200)
    }

    /// L4: each signature used to have four spellings (the unused bits of its last character), each
    /// with its own cache entry, and a signature with `-a` appended served the AVIF variant to anyone.
    @Test func onlyTheCanonicalSignatureIsAccepted() throws {
        let stack = try ServiceStack(environment: [
            "IMGFORGE_CACHE_TYPE": "disk", "IMGFORGE_CACHE_DISK_PATH": "{stack}/cache", "IMGFORGE_AUTO_AVIF": "true",
            "IMGFORGE_KEY": testKey, "IMGFORGE_SALT": testSalt,
        ])
        defer { stack.stop() }
        try stack.writeLocal("photo.jpg", try TestImage.quadrants(width: 40, height: 40, suffix: ".jpg"))
        let url = try signed("/w:20/plain/local:///photo.jpg")
        let signature = String(url.dropFirst().prefix { $0 != "/" })
        let rest = url.dropFirst(1 + signature.count)
        #expect(try stack.get(url).status == 200)
        #expect(try stack.get(url, headers: ["Accept": "image/avif"]).header("Content-Type") == "image/avif")
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let last = alphabet.firstIndex(of: signature.last!)!
        let spellings = (0..<4).map { String(signature.dropLast()) + String(alphabet[(last & ~3) | $0]) }.filter { $0 != signature }
        for other in spellings + [signature + "=", signature + "-a", signature + ".a"] {
            let response = try stack.get("/\(other)\(rest)")
            #expect(response.status == 403, "\(other): \(response.status) \(response.header("Content-Type") ?? "")")
        }
        let files = cacheFiles(stack.directory.path + "/cache/current")
        #expect(files.count == 2, "one entry per variant of the one URL: \(files)")
    }

    /// M4: after a key is rotated out, its cached answers used to stay public through nginx.
    @Test func aRotatedKeyRetiresItsCachedAnswers() throws {
        let shared = FileManager.default.temporaryDirectory.appendingPathComponent("imgforge-rotation-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: shared) }
        let cache = ["IMGFORGE_CACHE_TYPE": "disk", "IMGFORGE_CACHE_DISK_PATH": shared]
        let old = try ServiceStack(environment: cache.merging(["IMGFORGE_KEY": testKey, "IMGFORGE_SALT": testSalt]) { _, new in new })
        try old.writeLocal("photo.jpg", try TestImage.quadrants(width: 40, height: 40, suffix: ".jpg"))
        let url = try signed("/w:20/plain/local:///photo.jpg")
        #expect(try old.get(url).status == 200 && (try old.get(url)).status == 200)
        old.stop()
        let rotated = try ServiceStack(environment: cache.merging(["IMGFORGE_KEY": "aabbccdd", "IMGFORGE_SALT": "eeff0011"]) { _, new in new })
        defer { rotated.stop() }
        try rotated.writeLocal("photo.jpg", try TestImage.quadrants(width: 40, height: 40, suffix: ".jpg"))
        let stale = try rotated.get(url)
        #expect(stale.status == 403, "a URL signed with the retired key: \(stale.status) \(stale.header("Content-Type") ?? "")")
        #expect(try rotated.get(try signed("/w:20/plain/local:///photo.jpg", key: "aabbccdd", salt: "eeff0011")).status == 200)
    }

    /// M1: the allow-list was matched as text, so `#`, `?`, userinfo and `..` reached other hosts and paths.
    @Test func theAllowListIsMatchedOnTheParsedURL() throws {
        let probe = try TestOrigin()
        defer { probe.stop() }
        let jpeg = try TestImage.quadrants(width: 20, height: 20, suffix: ".jpg")
        probe.serve("/public/a.jpg", .image(jpeg, contentType: "image/jpeg"))
        probe.serve("/secret.jpg", .image(jpeg, contentType: "image/jpeg"))
        let stack = try ServiceStack(environment: ["IMGFORGE_ALLOWED_SOURCES": "http://127.0.0.1:\(probe.port)/public/,https://*.example.com/"])
        defer { stack.stop() }
        #expect(try stack.get("/unsafe/w:10/plain/\(probe.url("/public/a.jpg"))").status == 200)
        let tricks = [
            "/unsafe/w:10/plain/https://attacker.invalid%23.example.com/a.jpg",
            "/unsafe/w:10/plain/https://attacker.invalid%3F.example.com/a.jpg",
            "/unsafe/w:10/plain/http://127.0.0.1:\(probe.port)%40127.0.0.1:\(probe.port)/public/a.jpg",
            "/unsafe/w:10/" + Base64URL.encode(Array(probe.url("/public/../secret.jpg").utf8)),
            "/unsafe/w:10/" + Base64URL.encode(Array(probe.url("/public/a.jpg%00.png").utf8)),
        ]
        for target in tricks {
            let response = try stack.get(target)
            #expect(response.status == 403 && response.text.contains("IMGFORGE_ALLOWED_SOURCES"), "\(target): \(response.status) \(response.text)")
        }
        #expect(!probe.requests.contains("/secret.jpg"), "nothing outside the list was fetched: \(probe.requests)")
    }

    /// M2: IMGFORGE_PROXY is the only proxy used, and the address guard still judges the
    /// destination: the proxy (the test origin, which answers absolute-form requests) is reached,
    /// a loopback or metadata destination is refused before it is asked.
    @Test func anExplicitProxyKeepsTheAddressGuard() throws {
        for allowLoopback in [true, false] {
            let stack = try ServiceStack(environment: [
                "IMGFORGE_PROXY": "http://{origin}", "IMGFORGE_ALLOW_LOOPBACK_SOURCES": "\(allowLoopback)",
                "IMGFORGE_ALLOW_LINK_LOCAL_SOURCES": "true",
            ])
            defer { stack.stop() }
            let png = try TestImage.quadrants(width: 20, height: 20, suffix: ".png")
            // Nothing listens on port 9: only the proxy can answer for it.
            stack.origin.serve("http://127.0.0.1:9/a.png", .respond(status: 200, contentType: "image/png", body: png))
            let response = try stack.get("/unsafe/w:10/plain/http://127.0.0.1:9/a.png")
            if allowLoopback {
                #expect(response.status == 200, "\(response.text)")
                #expect(stack.origin.requests.contains("http://127.0.0.1:9/a.png"), "fetched through the proxy: \(stack.origin.requests)")
            } else {
                #expect(response.status == 403 && response.text.contains("loopback"), "\(response.status) \(response.text)")
                #expect(!stack.origin.requests.contains("http://127.0.0.1:9/a.png"), "the proxy was never asked")
            }
            let metadata = try stack.get("/unsafe/w:10/plain/http://169.254.169.254/latest/meta-data/")
            #expect(metadata.status == 403, "\(metadata.status) \(metadata.text)")
        }
    }

    /// L2: a link swapped between the check and the open used to let a request read outside the
    /// root, and answers told which files outside it exist. The kernel now resolves the path
    /// beneath the root in the open itself.
    @Test func aLinkSwappedDuringTheOpenNeverLeavesTheRoot() throws {
        let stack = try ServiceStack(environment: ["IMGFORGE_WORKERS": "2"])
        defer { stack.stop() }
        let outside = stack.directory.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data(try TestImage.encode(width: 16, height: 16, suffix: ".png") { _, _ in (255, 0, 0) }).write(to: outside.appendingPathComponent("x.png"))
        try stack.writeLocal("x.png", try TestImage.encode(width: 16, height: 16, suffix: ".png") { _, _ in (0, 0, 255) })
        // A link that stays inside the root is followed.
        try FileManager.default.createSymbolicLink(atPath: stack.localRoot.appendingPathComponent("inside").path, withDestinationPath: ".")
        #expect(try stack.get("/unsafe/w:8/plain/local:///inside/x.png").status == 200)
        // One that leaves is refused the same way whether its target exists or not.
        try FileManager.default.createSymbolicLink(atPath: stack.localRoot.appendingPathComponent("out").path, withDestinationPath: outside.path)
        let existing = try stack.get("/unsafe/w:8/plain/local:///out/x.png")
        let missing = try stack.get("/unsafe/w:8/plain/local:///out/nothing.png")
        #expect(existing.status == 403 && missing.status == 403 && existing.text == missing.text, "\(existing.text) / \(missing.text)")

        let link = stack.localRoot.appendingPathComponent("d").path
        let stop = Atomic<Bool>(false)
        let swapper = Background {
            var flips = 0
            while !stop.load(ordering: .relaxed) {
                for target in [".", outside.path] {
                    let temporary = link + ".new"
                    unlink(temporary)
                    symlink(target, temporary)
                    rename(temporary, link)
                    flips += 1
                }
            }
            return flips
        }
        var statuses: [Int: Int] = [:]
        var red = 0
        for _ in 0..<300 {
            let response = try stack.get("/unsafe/w:8/plain/local:///d/x.png")
            statuses[response.status, default: 0] += 1
            if response.status == 200, let image = try? TestImage(decoding: response.body), image.colourName(4, 4) == "red" { red += 1 }
        }
        stop.store(true, ordering: .relaxed)
        let flips = swapper.wait(timeout: 10) ?? 0
        print("local root race | 300 requests while the link flipped \(flips) times | \(statuses) | read outside the root: \(red)")
        #expect(red == 0)
        #expect(statuses[200, default: 0] > 0 && statuses[403, default: 0] > 0, "both sides of the race were seen: \(statuses)")
    }

    /// L2 (part): a FIFO in the local root used to hold each worker that opened it, for good.
    @Test func onlyRegularFilesAreReadFromTheLocalRoot() throws {
        let stack = try ServiceStack(environment: ["IMGFORGE_WORKERS": "2"])
        defer { stack.stop() }
        #expect(mkfifo(stack.localRoot.appendingPathComponent("pipe.jpg").path, 0o644) == 0)
        let started = Date()
        let answers = (0..<4).map { _ in Background { Outcome.of(stack, "/unsafe/w:10/plain/local:///pipe.jpg") } }.compactMap { $0.wait(timeout: 10) }
        #expect(answers.count == 4 && answers.allSatisfy { $0.status == 403 && $0.text.contains("not a regular file") }, "\(answers)")
        #expect(Date().timeIntervalSince(started) < 3)
        #expect(try stack.get("/status").status == 200)
        try stack.writeLocal("fine.jpg", try TestImage.quadrants(width: 20, height: 20, suffix: ".jpg"))
        #expect(try stack.get("/unsafe/w:10/plain/local:///fine.jpg").status == 200)
    }
}
