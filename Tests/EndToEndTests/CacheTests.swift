import Foundation
import ImgForgeCore
import Testing

private let cached = [
    "IMGFORGE_CACHE_TYPE": "disk", "IMGFORGE_CACHE_DISK_PATH": "{stack}/cache",
    "IMGFORGE_KEY": testKey, "IMGFORGE_SALT": testSalt, "IMGFORGE_ALLOW_UNSIGNED": "false",
]

/// Headers a user compares between two answers for the same URL.
private func stableHeaders(_ response: HTTPResponse) -> [String: String] {
    var headers: [String: String] = [:]
    for name in ["content-type", "content-length", "etag", "last-modified", "cache-control", "vary", "content-disposition"] {
        headers[name] = response.header(name)
    }
    return headers
}

/// Every cached entry below `root`, lock files aside.
func cacheFiles(_ link: String) -> [String] {
    let root = URL(fileURLWithPath: link).resolvingSymlinksInPath().path
    guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
    var files: [String] = []
    while let relative = enumerator.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let path = root + "/" + relative
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue, !relative.hasSuffix(".lock") {
            files.append(path)
        }
    }
    return files
}

/// The cache's entries once `done` holds of them: imgforge puts a miss's file in place just after its answer.
func cacheFiles(_ link: String, once done: ([String]) -> Bool, within seconds: Double = 5) -> [String] {
    let deadline = Date().addingTimeInterval(seconds)
    var files = cacheFiles(link)
    while !done(files) && Date() < deadline {
        usleep(10_000)
        files = cacheFiles(link)
    }
    return files
}

@Suite(.serialized, .serviceStack(cached))
struct CacheHitTests {
    @Test func nginxAloneServesHitsWithTheSameBytesAndHeaders() throws {
        let stack = try currentStack()
        try stack.writeLocal("photo.jpg", try TestImage.quadrants(width: 400, height: 300, suffix: ".jpg"))
        let url = try signed("/rs:fit:200:200/plain/local:///photo.jpg")
        let miss = try stack.get(url)
        #expect(miss.status == 200 && miss.header("Content-Type") == "image/jpeg")
        #expect(miss.header("ETag") != nil && miss.header("Last-Modified") != nil)
        #expect(miss.header("Cache-Control") == "public, max-age=31536000")
        // Only one file, named by the signature, with the extension of its type.
        let files = cacheFiles(stack.directory.path + "/cache/current") { !$0.isEmpty }
        let hit = try stack.get(url)
        #expect(hit.body == miss.body && stableHeaders(hit) == stableHeaders(miss))

        #expect(files.count == 1 && files[0].hasSuffix(".jpg") && files[0].contains(String(url.dropFirst().prefix(20))))

        let stopped = try #require(stack.terminateImgforge())
        #expect(stopped.status == 0)
        let served = try stack.get(url)
        #expect(served.status == 200 && served.body == miss.body)
        #expect(stableHeaders(served) == stableHeaders(miss))
        #expect(served.header("X-Request-ID")?.isEmpty == false)
        // HEAD on a hit.
        let head = try stack.get(url, method: "HEAD")
        #expect(head.status == 200 && head.header("Content-Length") == String(miss.body.count))
        // What was never cached needs imgforge.
        #expect(try stack.get(try signed("/rs:fit:50:50/plain/local:///photo.jpg")).status == 502)
        try stack.restartImgforge()
    }

    /// A miss is answered by imgforge itself, its file put in place just after: ranges and HEAD as on a hit.
    @Test func aMissAnswersRangesAndHeadAsItsHitsDo() throws {
        let stack = try currentStack()
        try stack.writeLocal("ranged.jpg", try TestImage.quadrants(width: 300, height: 200, suffix: ".jpg"))
        let url = try signed("/rs:fit:120:120/plain/local:///ranged.jpg")
        let part = try stack.get(url, headers: ["Range": "bytes=0-99"])
        _ = cacheFiles(stack.directory.path + "/cache/current") { $0.contains { $0.contains(String(url.dropFirst().prefix(22))) } }
        let whole = try stack.get(url)
        #expect(whole.status == 200 && whole.body.count > 100)
        #expect(part.status == 206 && part.body == Array(whole.body.prefix(100)), "\(part.status) \(part.headers)")
        #expect(part.header("Content-Range") == "bytes 0-99/\(whole.body.count)")
        let hitPart = try stack.get(url, headers: ["Range": "bytes=0-99"])
        #expect(hitPart.status == 206 && hitPart.body == part.body && hitPart.header("ETag") == part.header("ETag"))

        let other = try signed("/rs:fit:121:121/plain/local:///ranged.jpg")
        let head = try stack.get(other, method: "HEAD")
        let full = try stack.get(other)
        #expect(head.status == 200 && head.body.isEmpty && head.header("Content-Length") == String(full.body.count), "\(head.headers)")
        #expect(stableHeaders(head) == stableHeaders(full))
    }

    @Test func uncacheableAnswersAreNotWrittenForNginx() throws {
        let stack = try currentStack()
        try stack.writeLocal("named.jpg", try TestImage.quadrants(width: 100, height: 100, suffix: ".jpg"))
        let before = cacheFiles(stack.directory.path + "/cache/current").count
        let named = try stack.get(try signed("/fn:holiday/w:50/plain/local:///named.jpg"))
        #expect(named.status == 200)
        #expect(named.header("Content-Disposition") == "inline; filename=\"holiday.jpg\"; filename*=UTF-8''holiday.jpg")
        let attachment = try stack.get(try signed("/att:1/w:50/plain/local:///named.jpg"))
        #expect(attachment.header("Content-Disposition")?.hasPrefix("attachment; filename=\"image.jpg\"") == true)
        let expiring = try stack.get(try signed("/exp:\(Int(Date().timeIntervalSince1970) + 3600)/w:50/plain/local:///named.jpg"))
        #expect(expiring.status == 200)
        #expect(cacheFiles(stack.directory.path + "/cache/current").count == before, "none of these is written to the cache")
    }

    @Test func expiredURLsAreNotServedFromTheCache() throws {
        let stack = try currentStack()
        try stack.writeLocal("soon.jpg", try TestImage.quadrants(width: 100, height: 100, suffix: ".jpg"))
        // Two seconds ahead: under a full run's load the first answer can take most of a second.
        let expiry = Int(Date().timeIntervalSince1970) + 2
        let url = try signed("/exp:\(expiry)/w:40/plain/local:///soon.jpg")
        let first = try stack.get(url)
        #expect(first.status == 200, "answered \(first.status): \(first.text)")
        Thread.sleep(forTimeInterval: max(0, Double(expiry) + 0.2 - Date().timeIntervalSince1970))
        let expired = try stack.get(url)
        #expect(expired.status == 404 && expired.text.contains("expired"), "answered \(expired.status): \(expired.text)")
    }

    @Test func unsignedURLsAreServedFromNginxsOwnCache() throws {
        // An unsigned URI outside the strict form (here an escape) has no file name nginx can compute;
        // nginx keeps its answers itself (fastcgi_cache, keyed on the settings, the variant and the raw
        // URI), so their hits do not reach imgforge either.
        let stack = try ServiceStack(environment: cached.merging(["IMGFORGE_ALLOW_UNSIGNED": "true"]) { _, new in new })
        defer { stack.stop() }
        let jpeg = try TestImage.quadrants(width: 100, height: 100, suffix: ".jpg")
        stack.origin.serve("/u.jpg", .image(jpeg, contentType: "image/jpeg"))
        let escaped = stack.origin.url("/u.jpg").replacingOccurrences(of: "://", with: "%3A%2F%2F")
        let url = "/unsafe/w:30/plain/\(escaped)"
        let answers = concurrently(6) { _ in try? stack.get(url) }
        let hit = try stack.get(url)
        #expect(answers.allSatisfy { $0?.status == 200 && $0?.body == hit.body } && hit.status == 200)
        #expect(hit.header("X-Imgforge-Cache") == "HIT" && hit.header("Content-Type") == "image/jpeg", "\(hit.headers)")
        #expect(hit.header("Cache-Control") == "public, max-age=31536000" && hit.header("X-Content-Type-Options") == "nosniff")
        let ids = Set(answers.compactMap { $0?.header("X-Request-ID") } + [hit.header("X-Request-ID") ?? ""])
        #expect(ids.count == 7, "each answer has its own request id, hits included")
        #expect(stack.origin.requests.filter { $0 == "/u.jpg" }.count == 1, "processed once for 7 requests")
        let lines = stack.imgforgeLog.split(separator: "\n").filter { $0.contains("msg=request ") && $0.contains("w:30") }
        #expect(lines.count == 1, "one request reached imgforge: \(lines)")
        #expect(!cacheFiles(stack.directory.path + "/cache/current").contains { $0.hasSuffix(".jpg") }, "no file in imgforge's cache")
        // Another spelling of the same source is another URI, hence another entry (nginx keys on the raw URI).
        let other = try stack.get("/unsafe/w:31/plain/\(escaped)")
        #expect(other.status == 200 && other.header("X-Imgforge-Cache") == "MISS")
    }

    @Test func unsignedURLsInTheStrictFormAreFilesNginxServesAlone() throws {
        let stack = try ServiceStack(environment: cached.merging(["IMGFORGE_ALLOW_UNSIGNED": "true", "IMGFORGE_AUTO_WEBP": "true"]) { _, new in new })
        defer { stack.stop() }
        let jpeg = try TestImage.quadrants(width: 100, height: 80, suffix: ".jpg")
        stack.origin.serve("/o.jpg", .image(jpeg, contentType: "image/jpeg"))
        try stack.writeLocal("l.jpg", jpeg)
        let origin = stack.origin.url("/o.jpg")  // http://127.0.0.1:<port>/o.jpg
        let base64 = Base64URL.encode(Array("local:///l.jpg".utf8))
        // URI, Accept, the file imgforge must have written (relative to current/), the decoded width.
        let cases: [(uri: String, accept: String?, file: String, width: Int)] = [
            ("/unsafe/w:30/plain/\(origin)", nil, "u/w:30/plain/http:/~/\(origin.dropFirst(7))~.jpg", 30),
            ("/unsafe/w:31/plain/local:///l.jpg", nil, "u/w:31/plain/local:/~~/l.jpg~.jpg", 31),
            ("/unsafe/w:31/plain/local:///l.jpg", "image/webp", "u/w:31/plain/local:/~~/l.jpg~.w.webp", 31),
            ("/unsafe/rs:fit:32:0/q:70/\(base64).png", nil, "u/rs:fit:32:0/q:70/\(base64).png~.png", 32),
            ("/unsafe/w:33/plain/local:///l.jpg@png", nil, "u/w:33/plain/local:/~~/l.jpg@png~.png", 33),
        ]
        var misses: [[UInt8]] = []
        for (uri, accept, file, width) in cases {
            let miss = try stack.get(uri, headers: accept.map { ["Accept": $0] } ?? [:])
            #expect(miss.status == 200 && (try? TestImage(decoding: miss.body))?.width == width, "\(uri): \(miss.status) \(miss.text)")
            #expect(miss.header("X-Imgforge-Cache") == nil, "not nginx's own cache: \(miss.headers)")
            let path = stack.directory.path + "/cache/current/" + file
            let files = cacheFiles(stack.directory.path + "/cache/current") { _ in FileManager.default.fileExists(atPath: path) }
            #expect(FileManager.default.fileExists(atPath: path), "\(uri): no \(file) among \(files)")
            misses.append(miss.body)
        }
        #expect(cacheFiles(stack.directory.path + "/cache/current").count == cases.count, "one file per URI and variant")
        // nginx computes the same names by itself: with imgforge gone, every one is still served.
        let stopped = try #require(stack.terminateImgforge())
        #expect(stopped.status == 0)
        for ((uri, accept, _, _), body) in zip(cases, misses) {
            let hit = try stack.get(uri, headers: accept.map { ["Accept": $0] } ?? [:])
            #expect(hit.status == 200 && hit.body == body, "\(uri) with imgforge stopped: \(hit.status)")
            #expect(hit.header("Cache-Control") == "public, max-age=31536000" && hit.header("Vary") == "Accept")
        }
        // Outside the strict form nginx finds no file name, and needs imgforge.
        for uri in ["/unsafe/w:30/./plain/\(origin)", "/unsafe/w:30/plain/\(origin)?v=1", "/unsafe/w:30/plain/http%3A%2F%2F\(origin.dropFirst(7))",
                    "/unsafe/w:30//plain/\(origin)", "/unsafe/w:30/plain/\(origin)/", "/unsafe/w:30~/plain/\(origin)"] {
            #expect(try stack.get(uri).status == 502, "\(uri) was served without imgforge")
        }
        try stack.restartImgforge()
    }

    @Test func unsignedURLsOutsideTheStrictFormLeaveNoFile() throws {
        let stack = try ServiceStack(environment: cached.merging(["IMGFORGE_ALLOW_UNSIGNED": "true"]) { _, new in new })
        defer { stack.stop() }
        try stack.writeLocal("l.jpg", try TestImage.quadrants(width: 60, height: 60, suffix: ".jpg"))
        let hostile = [
            "/unsafe/w:20/./plain/local:///l.jpg", "/unsafe/w:21/../unsafe/plain/local:///l.jpg", "/unsafe/w:22/plain/local:///l.jpg?x=1",
            "/unsafe/w:23/plain/local:///%6C.jpg", "/unsafe/w:24/plain/local:////l.jpg", "/unsafe/w:25//plain/local:///l.jpg",
            "/unsafe/w:26/plain/local:///l.jpg/", "/unsafe/w:27/plain/local:///l.jpg~", "/unsafe/w:28/" + String(repeating: "a", count: 201) + "/plain/local:///l.jpg",
        ]
        for uri in hostile {
            let first = try stack.get(uri), second = try stack.get(uri)
            #expect(first.status == second.status && first.body == second.body, "\(uri): \(first.status) then \(second.status)")
            #expect(first.status < 500, "\(uri): \(first.status) \(first.text)")
        }
        let files = cacheFiles(stack.directory.path + "/cache/current")
        #expect(files.isEmpty, "files for URIs outside the strict form: \(files)")
    }

    @Test func unsignedURLsAreKeptWhateverTheSignatureSize() throws {
        // With 4-byte signatures a signature is 6 characters, as long as "unsafe": nginx must still read an
        // unsigned URL as one, never as a signature's file.
        let stack = try ServiceStack(environment: cached.merging(["IMGFORGE_ALLOW_UNSIGNED": "true", "IMGFORGE_SIGNATURE_SIZE": "4"]) { _, new in new })
        defer { stack.stop() }
        try stack.writeLocal("s.jpg", try TestImage.quadrants(width: 60, height: 60, suffix: ".jpg"))
        let url = "/unsafe/w:30/plain/local:///s.jpg"
        let first = try stack.get(url), second = try stack.get(url)
        #expect(first.status == 200 && second.status == 200 && first.body == second.body, "\(first.status) \(second.status)")
        let files = cacheFiles(stack.directory.path + "/cache/current").map { String($0.split(separator: "/current/").last ?? "") }
        #expect(files.count == 1 && files[0].hasSuffix("u/w:30/plain/local:/~~/s.jpg~.jpg"), "\(files)")
        let escaped = "/unsafe/w:30/plain/local:///%73.jpg"
        let kept = (try stack.get(escaped), try stack.get(escaped))
        #expect(kept.0.header("X-Imgforge-Cache") == "MISS" && kept.1.header("X-Imgforge-Cache") == "HIT", "\(kept.1.headers)")
        // nginx looks for the unsigned name, not for a signature's: with imgforge gone, the file is still served.
        let stopped = try #require(stack.terminateImgforge())
        #expect(stopped.status == 0)
        let served = try stack.get(url)
        #expect(served.status == 200 && served.body == first.body, "answered \(served.status)")
    }

    @Test func answersNginxMustNotKeepAreNeverHits() throws {
        let stack = try ServiceStack(environment: cached.merging(["IMGFORGE_ALLOW_UNSIGNED": "true"]) { _, new in new })
        defer { stack.stop() }
        try stack.writeLocal("photo.jpg", try TestImage.quadrants(width: 40, height: 40, suffix: ".jpg"))
        // An attachment, an expiring URL, a refusal: asked twice, each reaches imgforge twice.
        let expiry = Int(Date().timeIntervalSince1970) + 3600
        for target in ["/unsafe/w:20/att:1/plain/local:///photo.jpg", "/unsafe/w:20/exp:\(expiry)/plain/local:///photo.jpg",
                       "/unsafe/w:20/plain/local:///missing.jpg"] {
            let first = try stack.get(target), second = try stack.get(target)
            #expect(first.status == second.status && second.header("X-Imgforge-Cache") != "HIT", "\(target): \(second.headers)")
        }
        #expect(cacheFiles(stack.directory.path + "/cache/current").isEmpty, "nor a file nginx would serve")
    }
}

@Suite(.serviceStack(cached.merging(["IMGFORGE_AUTO_WEBP": "true", "IMGFORGE_AUTO_AVIF": "true"]) { _, new in new }))
struct CacheNegotiationTests {
    @Test func acceptVariantsAreStoredAndServedApart() throws {
        let stack = try currentStack()
        try stack.writeLocal("photo.jpg", try TestImage.quadrants(width: 300, height: 200, suffix: ".jpg"))
        let url = try signed("/rs:fit:150:150/plain/local:///photo.jpg")
        let accepts = ["image/avif,image/webp,*/*": "image/avif", "image/webp,*/*": "image/webp", "*/*": "image/jpeg"]
        var bodies: [String: [UInt8]] = [:]
        for (accept, type) in accepts {
            let response = try stack.get(url, headers: ["Accept": accept])
            #expect(response.header("Content-Type") == type && response.header("Vary") == "Accept", "\(accept)")
            bodies[type] = response.body
        }
        let files = cacheFiles(stack.directory.path + "/cache/current") { $0.count >= 3 }.map { URL(fileURLWithPath: $0).lastPathComponent }
        #expect(files.contains { $0.hasSuffix(".a.avif") } && files.contains { $0.hasSuffix(".w.webp") } && files.contains { $0.hasSuffix(".jpg") })

        _ = try #require(stack.terminateImgforge())
        for (accept, type) in accepts {
            let response = try stack.get(url, headers: ["Accept": accept])
            #expect(response.status == 200 && response.header("Content-Type") == type && response.header("Vary") == "Accept")
            #expect(response.body == bodies[type])
        }
        try stack.restartImgforge()
    }
}

@Suite(.serviceStack(cached.merging(["IMGFORGE_SECRET": "open-sesame"]) { _, new in new }))
struct CacheBearerTests {
    @Test func theSecretIsCheckedOnHits() throws {
        let stack = try currentStack()
        try stack.writeLocal("photo.jpg", try TestImage.quadrants(width: 100, height: 100, suffix: ".jpg"))
        let url = try signed("/w:50/plain/local:///photo.jpg")
        let authorised = ["Authorization": "Bearer open-sesame"]
        #expect(try stack.get(url, headers: authorised).status == 200)
        _ = try #require(stack.terminateImgforge())
        let refused = try stack.get(url)
        #expect(refused.status == 403 && refused.text.contains("bearer secret"))
        #expect(refused.header("Content-Type")?.hasPrefix("text/plain") == true && refused.header("Cache-Control") == "no-store")
        #expect(try stack.get(url, headers: ["Authorization": "Bearer guess"]).status == 403)
        let hit = try stack.get(url, headers: authorised)
        #expect(hit.status == 200 && hit.header("Content-Type") == "image/jpeg")
        try stack.restartImgforge()
    }
}

/// A JPEG that the origin takes 300 ms to start sending, so that concurrent requests overlap.
private func serveSlowly(_ origin: TestOrigin, _ path: String) throws {
    let jpeg = try TestImage.quadrants(width: 600, height: 400, suffix: ".jpg")
    origin.serve(path, .custom { connection in
        usleep(300_000)
        connection.sendHead(status: 200, headers: [("Content-Type", "image/jpeg"), ("Content-Length", "\(jpeg.count)")])
        connection.send(jpeg)
    })
}

@Suite(.serviceStack(cached))
struct CacheCoalescingTests {
    @Test func concurrentMissesAreProcessedOnce() throws {
        let stack = try currentStack()
        try serveSlowly(stack.origin, "/slow.jpg")
        let url = try signed("/rs:fit:120:120/plain/\(stack.origin.url("/slow.jpg"))")
        let responses = concurrently(16) { _ in try? stack.get(url) }
        #expect(responses.count == 16 && responses.allSatisfy { $0?.status == 200 })
        #expect(Set(responses.map { $0?.body ?? [] }).count == 1, "every answer has the same bytes")
        let processed = stack.origin.requests.filter { $0 == "/slow.jpg" }.count
        print("coalescing | one process | 16 concurrent misses | processed \(processed)")
        #expect(processed == 1)
    }

    @Test func twoProcessesSharingTheCacheProcessOnce() throws {
        let secondSocket = "{stack}/second.sock"
        let stack = try ServiceStack(environment: cached) { config in
            // nginx balances over both imgforge processes.
            config.replacingOccurrences(of: "upstream imgforge {\n", with: "upstream imgforge {\n    server unix:SECOND;\n")
        }
        defer { stack.stop() }
        let secondPath = secondSocket.replacingOccurrences(of: "{stack}", with: stack.directory.path)
        try stack.rewriteNginxUpstream(second: secondPath)
        var environment = stack.environment
        environment["IMGFORGE_BIND"] = "unix:\(secondPath)"
        let second = try ServiceStack.launch(try ServiceStack.imgforgeBinary(), ["serve"], environment: environment,
                                             log: stack.directory.appendingPathComponent("second.log"))
        defer { ServiceStack.stop(second) }
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: secondPath) && Date() < deadline { usleep(20_000) }

        try serveSlowly(stack.origin, "/shared.jpg")
        let url = try signed("/rs:fit:130:130/plain/\(stack.origin.url("/shared.jpg"))")
        let responses = concurrently(16) { _ in try? stack.get(url) }
        #expect(responses.count == 16 && responses.allSatisfy { $0?.status == 200 })
        let processed = stack.origin.requests.filter { $0 == "/shared.jpg" }.count
        let secondLog = (try? String(contentsOf: stack.directory.appendingPathComponent("second.log"), encoding: .utf8)) ?? ""
        print("coalescing | two processes | 16 concurrent misses | processed \(processed)")
        #expect(secondLog.contains("rs:fit:130:130"), "the second process took part")
        #expect(stack.imgforgeLog.contains("rs:fit:130:130"), "the first process took part")
        #expect(processed == 1)
    }
}

@Suite(.serviceStack(cached.merging(["IMGFORGE_CACHE_DISK_CAPACITY": "5"]) { _, new in new }))
struct CachePruneTests {
    /// The janitor's round is a minute; writes that put the cache over its capacity bring the
    /// pass forward, to within a couple of seconds.
    @Test func writesOverCapacityArePrunedWithinSeconds() throws {
        let stack = try currentStack()
        try stack.writeLocal("photo.jpg", try TestImage.quadrants(width: 200, height: 200, suffix: ".jpg"))
        var urls: [String] = []
        for width in 10..<18 {
            let url = try signed("/w:\(width)/plain/local:///photo.jpg")
            urls.append(url)
            #expect(try stack.get(url).status == 200)
            usleep(20_000)
        }
        let root = stack.directory.path + "/cache/current"
        var remaining = cacheFiles(root)
        let started = Date()
        while remaining.count > 5 && Date().timeIntervalSince(started) < 10 {
            usleep(100_000)
            remaining = cacheFiles(root)
        }
        print("cache capacity | 8 entries written, capacity 5 | \(remaining.count) left after \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        #expect(remaining.count == 5)
        // The oldest went first.
        for url in urls.prefix(3) {
            #expect(!remaining.contains { $0.contains(String(url.dropFirst().prefix(22))) })
        }
        let output = try run(try ServiceStack.imgforgeBinary().path, ["cache", "prune"], environment: stack.environment)
        #expect(output.contains("kept 5 entries") && output.contains("removed 0"), "\(output)")
    }
}

/// Audit L3: a cache that runs out of inodes or space made every miss whose key directory was new
/// a 500. Every cache error is soft now: the answer is served uncached.
@Suite(.serialized, .enabled(if: geteuid() == 0, "mounts a small tmpfs"))
struct FullCacheTests {
    @Test func aFullCacheAnswersUncached() throws {
        let mount = FileManager.default.temporaryDirectory.appendingPathComponent("imgforge-full-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        _ = try run("mount", ["-t", "tmpfs", "-o", "nr_inodes=48,size=256k,mode=0750", "tmpfs", mount])
        defer {
            _ = try? run("umount", [mount])
            try? FileManager.default.removeItem(atPath: mount)
        }
        let stack = try ServiceStack(environment: cached.merging(["IMGFORGE_CACHE_DISK_PATH": mount, "IMGFORGE_CACHE_DISK_CAPACITY": "0"]) { _, new in new })
        defer { stack.stop() }
        try stack.writeLocal("photo.jpg", try TestImage.quadrants(width: 400, height: 300, suffix: ".jpg[Q=95]"))
        var statuses: [Int: Int] = [:]
        for width in 40..<120 {
            let response = try stack.get(try signed("/rs:fit:\(width):\(width)/q:95/plain/local:///photo.jpg"))
            statuses[response.status, default: 0] += 1
            if response.status == 200 { #expect(try TestImage(decoding: response.body).width == width) }
        }
        let stored = cacheFiles(mount + "/current").count
        print("full cache | 80 misses into a tmpfs of 48 inodes and 256 KiB | \(statuses) | \(stored) stored, the rest answered uncached")
        #expect(statuses == [200: 80])
        #expect(stored > 0 && stored < 80, "the cache filled up: \(stored)")
    }
}

/// kill -9 during writes under load, round after round: no file in the cache fails to decode,
/// nothing partial is served, and what a crash leaves in tmp/ is removed at the next start.
@Suite(.serviceStack(cached.merging(["IMGFORGE_WORKERS": "4"]) { _, new in new }))
struct CacheCrashTests {
    @Test func killDashNineNeverLeavesPartialFiles() throws {
        let stack = try currentStack()
        try stack.writeLocal("big.png", try TestImage.quadrants(width: 1200, height: 900, suffix: ".png"))
        var served = 0
        var failedDecodes = 0
        var crashLeftovers = 0
        for round in 0..<20 {
            let answers = ResultsBox<HTTPResponse?>(12)
            let group = DispatchGroup()
            for index in 0..<12 {
                group.enter()
                Thread {
                    let url = (try? signed("/rs:fit:\(300 + round * 12 + index):0/q:90/plain/local:///big.png@webp")) ?? ""
                    answers.set(index, try? HTTPTestClient.get(port: stack.port, url, timeout: 10))
                    group.leave()
                }.start()
            }
            usleep(UInt32(30_000 + (round % 5) * 30_000))
            stack.killImgforge()
            group.wait()
            crashLeftovers += ((try? FileManager.default.contentsOfDirectory(atPath: stack.directory.path + "/cache/tmp")) ?? []).count
            for case let response? in answers.values where response.status == 200 {
                served += 1
                if (try? TestImage(decoding: response.body)) == nil { failedDecodes += 1 }
            }
            try stack.restartImgforge()
        }
        let files = cacheFiles(stack.directory.path + "/cache/current")
        let corrupt = files.filter { path in
            guard let data = FileManager.default.contents(atPath: path) else { return true }
            return (try? TestImage(decoding: [UInt8](data))) == nil
        }
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: stack.directory.path + "/cache/tmp")) ?? []
        print("kill -9 | rounds 20 | answers served \(served) | undecodable answers \(failedDecodes) | files checked \(files.count) | corrupt \(corrupt.count) | temporary files left by the kills \(crashLeftovers) | tmp leftovers after restart \(leftovers.count)")
        #expect(failedDecodes == 0)
        #expect(corrupt.isEmpty, "\(corrupt)")
        #expect(!files.isEmpty)
        #expect(leftovers.isEmpty, "temporary files of dead processes are removed at start: \(leftovers)")
        // Workers whose supervisor was killed, even before they finished starting, leave too.
        var strays = stack.strayProcesses
        for _ in 0..<40 where !strays.isEmpty {
            usleep(100_000)
            strays = stack.strayProcesses
        }
        #expect(strays.isEmpty, "workers of killed supervisors still running: \(strays.sorted())")
    }
}

/// `IMGFORGE_RATE_LIMIT_PER_MINUTE` limits what reaches imgforge; hits stay unlimited.
@Suite(.serviceStack(cached.merging(["IMGFORGE_RATE_LIMIT_PER_MINUTE": "60"]) { _, new in new }))
struct RateLimitTests {
    @Test func missesAreLimitedHitsAreNot() throws {
        let stack = try currentStack()
        try stack.writeLocal("photo.jpg", try TestImage.quadrants(width: 100, height: 100, suffix: ".jpg"))
        let cachedURL = try signed("/w:40/plain/local:///photo.jpg")
        #expect(try stack.get(cachedURL).status == 200)
        var statuses: [Int: Int] = [:]
        for width in 41..<71 {
            let response = try stack.get(try signed("/w:\(width)/plain/local:///photo.jpg"))
            statuses[response.status, default: 0] += 1
            if response.status == 429 {
                #expect(response.header("Cache-Control") == "no-store" && response.text.contains("too many requests"))
                #expect(response.header("Content-Type")?.hasPrefix("text/plain") == true)
            }
        }
        print("rate limit | 30 quick misses at 60/min | \(statuses)")
        #expect(statuses[429, default: 0] > 0 && statuses[200, default: 0] > 0)
        let hits = try (0..<30).map { _ in try stack.get(cachedURL).status }
        #expect(hits.allSatisfy { $0 == 200 }, "hits never reach the limit")
    }
}

/// `hybrid`: every result goes to RAM and to disk; nginx tries RAM first, then disk.
@Suite(.serviceStack(cached.merging([
    "IMGFORGE_CACHE_TYPE": "hybrid", "IMGFORGE_CACHE_MEMORY_PATH": "{stack}/ram", "IMGFORGE_CACHE_DISK_PATH": "{stack}/disk",
]) { _, new in new }))
struct HybridCacheTests {
    @Test func ramFirstThenDisk() throws {
        let stack = try currentStack()
        try stack.writeLocal("photo.jpg", try TestImage.quadrants(width: 200, height: 200, suffix: ".jpg"))
        let url = try signed("/w:60/plain/local:///photo.jpg")
        let miss = try stack.get(url)
        #expect(miss.status == 200)
        let disk = cacheFiles(stack.directory.path + "/disk/current") { !$0.isEmpty }
        let ram = cacheFiles(stack.directory.path + "/ram/current")
        #expect(ram.count == 1 && disk.count == 1, "written to both tiers")
        _ = try #require(stack.terminateImgforge())
        #expect(try stack.get(url).body == miss.body, "from RAM")
        try FileManager.default.removeItem(atPath: ram[0])
        let fromDisk = try stack.get(url)
        #expect(fromDisk.status == 200 && fromDisk.body == miss.body, "from disk once RAM lost it")
        try stack.restartImgforge()
    }
}

/// Other settings' processes and commands never take the cache away from the running service.
@Suite(.serviceStack(cached))
struct CacheIntegrityTests {
    /// The audit's H3: `imgforge cache prune` run with other settings used to repoint `current` and
    /// delete what nginx served, then every cacheable miss answered 500.
    @Test func pruneWithOtherSettingsTouchesNothingServed() throws {
        let stack = try currentStack()
        try stack.writeLocalOnce("photo.jpg") { try TestImage.quadrants(width: 200, height: 200, suffix: ".jpg") }
        let url = try signed("/w:31/plain/local:///photo.jpg")
        #expect(try stack.get(url).status == 200)
        let link = stack.directory.path + "/cache/current"
        _ = cacheFiles(link) { $0.contains { $0.contains(String(url.dropFirst().prefix(22))) } }
        let served = try FileManager.default.destinationOfSymbolicLink(atPath: link)
        let other = stack.environment.merging(["IMGFORGE_QUALITY": "70"]) { _, new in new }
        _ = try run(try ServiceStack.imgforgeBinary().path, ["cache", "prune"], environment: other)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == served, "current still names what nginx serves")
        #expect(cacheFiles(link).contains { $0.contains(String(url.dropFirst().prefix(22))) }, "the entry is still there")
        let again = try stack.get(url)
        #expect(again.status == 200 && again.header("X-Request-ID") != nil)
        let miss = try signed("/w:32/plain/local:///photo.jpg")
        #expect(try stack.get(miss).status == 200, "a new miss is served and cached")
        #expect(cacheFiles(link) { $0.contains { $0.contains(String(miss.dropFirst().prefix(22))) } }
            .contains { $0.contains(String(miss.dropFirst().prefix(22))) })
    }
}
