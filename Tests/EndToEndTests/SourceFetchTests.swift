import Foundation
import Testing

/// Origins that misbehave: each case ends within its time bound with the documented status,
/// and the worker threads are free again afterwards.
@Suite(.serviceStack([
    "IMGFORGE_DOWNLOAD_TIMEOUT": "1",
    "IMGFORGE_MAX_SRC_FILE_SIZE": "100000",
    "IMGFORGE_MAX_REDIRECTS": "3",
    "IMGFORGE_WORKERS": "2",
]))
struct SourceFetchTests {
    private func image() throws -> [UInt8] { try TestImage.quadrants(width: 64, height: 64, suffix: ".jpg") }

    /// Requests `path` on the origin through imgforge; returns the response and the seconds it took.
    private func fetch(_ path: String) throws -> (HTTPResponse, Double) {
        let stack = try currentStack()
        let started = Date()
        let response = try stack.get("/unsafe/rs:fit:32:32/plain/\(stack.origin.url(path))")
        return (response, Date().timeIntervalSince(started))
    }

    private func expect(_ path: String, status: Int, within seconds: Double, mentioning words: [String] = [], _ comment: String) throws {
        let (response, elapsed) = try fetch(path)
        let body = response.status == 200 ? "(\(response.header("Content-Type") ?? "?") image)" : response.text.trimmingCharacters(in: .whitespacesAndNewlines)
        print(String(format: "origin behaviour | %@ | %d | %.2f s | %@", comment, response.status, elapsed, body))
        #expect(response.status == status, "\(comment): \(response.status) \(response.text)")
        #expect(elapsed < seconds, "\(comment) took \(elapsed) s")
        for word in words { #expect(response.text.contains(word), "\(comment): \(response.text)") }
    }

    @Test func slowAndStalledOriginsTimeOut() throws {
        let stack = try currentStack()
        stack.origin.serve("/drip.jpg", .custom { connection in
            connection.sendHead(status: 200, headers: [("Content-Type", "image/jpeg"), ("Content-Length", "100000")])
            for _ in 0..<100 where connection.send([0xFF]) { usleep(100_000) }
        })
        stack.origin.serve("/hang.jpg", .custom { connection in
            connection.sendHead(status: 200, headers: [("Content-Type", "image/jpeg"), ("Content-Length", "5000")])
            usleep(4_000_000)
        })
        stack.origin.serve("/silent.jpg", .custom { _ in usleep(4_000_000) })
        try expect("/drip.jpg", status: 504, within: 2.5, mentioning: ["timed out"], "slow drip")
        try expect("/hang.jpg", status: 504, within: 2.5, mentioning: ["timed out"], "hang after headers")
        try expect("/silent.jpg", status: 504, within: 2.5, mentioning: ["timed out"], "no answer at all")
        try workersAreFree()
    }

    @Test func brokenBodiesAreOriginErrors() throws {
        let stack = try currentStack()
        let jpeg = try image()
        stack.origin.serve("/reset.jpg", .custom { connection in
            connection.sendHead(status: 200, headers: [("Content-Type", "image/jpeg"), ("Content-Length", "\(jpeg.count)")])
            connection.send(Array(jpeg.prefix(100)))
            usleep(50_000)
            connection.resetOnClose()
        })
        stack.origin.serve("/short.jpg", .custom { connection in
            connection.sendHead(status: 200, headers: [("Content-Type", "image/jpeg"), ("Content-Length", "\(jpeg.count + 500)")])
            connection.send(jpeg)
        })
        try expect("/reset.jpg", status: 502, within: 2, mentioning: ["origin error"], "connection reset mid-body")
        try expect("/short.jpg", status: 502, within: 2, mentioning: ["origin error"], "Content-Length longer than the body")
    }

    @Test func oversizedBodiesAreRefusedWhileStreaming() throws {
        let stack = try currentStack()
        let big = [UInt8](repeating: 7, count: 300_000)
        stack.origin.serve("/declared.jpg", .respond(status: 200, contentType: "image/jpeg", body: big))
        stack.origin.serve("/undeclared.jpg", .custom { connection in
            connection.sendHead(status: 200, headers: [("Content-Type", "image/jpeg")])
            for _ in 0..<30 where connection.send([UInt8](repeating: 7, count: 10_000)) {}
        })
        stack.origin.serve("/endless.jpg", .custom { connection in
            connection.sendHead(status: 200, headers: [("Content-Type", "image/jpeg")])
            for _ in 0..<10_000 where connection.send([UInt8](repeating: 7, count: 65_536)) {}
        })
        try expect("/declared.jpg", status: 400, within: 2, mentioning: ["too large", "100000"], "Content-Length over the limit")
        try expect("/undeclared.jpg", status: 400, within: 2, mentioning: ["too large"], "no Content-Length, body over the limit")
        try expect("/endless.jpg", status: 400, within: 2, mentioning: ["too large"], "a body without end")
    }

    @Test func originStatusesMapToDocumentedAnswers() throws {
        let stack = try currentStack()
        for (status, path) in [(404, "/404.jpg"), (410, "/410.jpg"), (403, "/403.jpg"), (500, "/500.jpg"), (503, "/503.jpg")] {
            stack.origin.serve(path, .respond(status: status, contentType: "text/plain", body: Array("no".utf8)))
        }
        try expect("/404.jpg", status: 404, within: 2, mentioning: ["source not found"], "origin 404")
        try expect("/410.jpg", status: 404, within: 2, "origin 410")
        try expect("/403.jpg", status: 404, within: 2, mentioning: ["403"], "origin 403")
        try expect("/500.jpg", status: 502, within: 2, mentioning: ["500"], "origin 500")
        try expect("/503.jpg", status: 502, within: 2, "origin 503")
    }

    @Test func redirectsAreFollowedAndEachHopIsChecked() throws {
        let stack = try currentStack()
        stack.origin.serve("/final.jpg", .image(try image(), contentType: "image/jpeg"))
        func redirect(_ from: String, to location: String) {
            stack.origin.serve(from, .custom { connection in
                connection.sendHead(status: 302, headers: [("Location", location), ("Content-Length", "0")])
            })
        }
        redirect("/hop1", to: "/hop2")
        redirect("/hop2", to: stack.origin.url("/final.jpg"))
        redirect("/loop", to: "/loop")
        redirect("/metadata", to: "http://169.254.169.254/latest/meta-data/")
        redirect("/zero", to: "http://0.0.0.0:\(stack.origin.port)/final.jpg")
        redirect("/file", to: "file:///etc/passwd")
        try expect("/hop1", status: 200, within: 2, "two redirects")
        try expect("/loop", status: 502, within: 2, mentioning: ["more than 3 redirects"], "redirect loop")
        try expect("/metadata", status: 403, within: 2, mentioning: ["cloud metadata", "169.254.169.254"], "redirect to cloud metadata")
        try expect("/zero", status: 403, within: 2, mentioning: ["unspecified"], "redirect to 0.0.0.0")
        try expect("/file", status: 403, within: 2, mentioning: ["unsupported scheme"], "redirect to file://")
    }

    @Test func unreachableOriginsAreBadGateways() throws {
        let stack = try currentStack()
        let closed = try Sockets.freePort()
        let started = Date()
        let refused = try stack.get("/unsafe/w:10/plain/http://127.0.0.1:\(closed)/a.jpg")
        #expect(refused.status == 502 && Date().timeIntervalSince(started) < 2)
        let unresolvable = try stack.get("/unsafe/w:10/plain/http://no-such-host.invalid/a.jpg")
        #expect(unresolvable.status == 502, "\(unresolvable.text)")
    }

    @Test func userAgentNamesImgforge() throws {
        let stack = try currentStack()
        let agents = UserAgentLog()
        stack.origin.serve("/ua.jpg", .custom { connection in
            agents.record(connection.head)
            let body = (try? TestImage.quadrants(width: 8, height: 8, suffix: ".jpg")) ?? []
            connection.sendHead(status: 200, headers: [("Content-Type", "image/jpeg"), ("Content-Length", "\(body.count)")])
            connection.send(body)
        })
        #expect(try fetch("/ua.jpg").0.status == 200)
        #expect(agents.heads.contains { $0.contains("User-Agent: imgforge/") })
    }

    /// Both worker threads answer at once: nothing is left stuck on a bad origin.
    private func workersAreFree() throws {
        let stack = try currentStack()
        stack.origin.serve("/ok.jpg", .image(try image(), contentType: "image/jpeg"))
        let group = DispatchGroup()
        let statuses = StatusLog()
        let started = Date()
        for _ in 0..<2 {
            group.enter()
            DispatchQueue.global().async {
                statuses.record((try? stack.get("/unsafe/w:10/plain/\(stack.origin.url("/ok.jpg"))").status) ?? 0)
                group.leave()
            }
        }
        group.wait()
        #expect(statuses.values == [200, 200] && Date().timeIntervalSince(started) < 2)
    }
}

/// With the defaults, sources on loopback, link-local and other special addresses are refused
/// before any connection is made.
@Suite(.serviceStack(["IMGFORGE_ALLOW_LOOPBACK_SOURCES": "false"]))
struct AddressGuardTests {
    @Test(arguments: [
        "http://localhost:PORT/a.jpg", "http://127.0.0.1:PORT/a.jpg", "http://127.1.2.3:PORT/a.jpg", "http://[::1]:PORT/a.jpg",
        "http://[::ffff:127.0.0.1]:PORT/a.jpg", "http://2130706433:PORT/a.jpg", "http://0.0.0.0:PORT/a.jpg",
        "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/a.jpg", "http://100.64.0.1/a.jpg",
        "http://224.0.0.1/a.jpg", "http://255.255.255.255/a.jpg",
    ])
    func specialAddressesAreRefused(url: String) throws {
        let stack = try currentStack()
        let target = url.replacingOccurrences(of: "PORT", with: String(stack.origin.port))
        let started = Date()
        let response = try stack.get("/unsafe/w:10/plain/\(target)")
        print("refused address | \(target) | \(response.status) | \(response.text.trimmingCharacters(in: .whitespacesAndNewlines))")
        #expect(response.status == 403, "\(target): \(response.status) \(response.text)")
        #expect(response.text.contains("source not allowed"))
        #expect(Date().timeIntervalSince(started) < 2)
        #expect(!stack.origin.requests.contains("/a.jpg"), "nothing reached the origin")
    }
}

/// The switches open loopback (the only range these tests may reach).
@Suite(.serviceStack(["IMGFORGE_ALLOW_LOOPBACK_SOURCES": "true"]))
struct AddressGuardSwitchTests {
    @Test func loopbackIsAllowedWithTheSwitch() throws {
        let stack = try currentStack()
        stack.origin.serve("/a.jpg", .image(try TestImage.quadrants(width: 20, height: 20, suffix: ".jpg"), contentType: "image/jpeg"))
        for host in ["localhost", "127.0.0.1"] {
            #expect(try stack.get("/unsafe/w:10/plain/http://\(host):\(stack.origin.port)/a.jpg").status == 200, "\(host)")
        }
        // Nothing listens on [::1] here: the answer is a connection failure, not a refusal.
        #expect(try stack.get("/unsafe/w:10/plain/http://[::1]:\(stack.origin.port)/a.jpg").status == 502)
        // Link-local stays refused: it has its own switch.
        #expect(try stack.get("/unsafe/w:10/plain/http://169.254.169.254/a.jpg").status == 403)
    }
}

@Suite(.serviceStack(["IMGFORGE_ALLOWED_SOURCES": "http://127.0.0.1:*/allowed/,local:///public/"]))
struct AllowedSourcesTests {
    @Test func onlyListedPrefixesAreFetched() throws {
        let stack = try currentStack()
        let jpeg = try TestImage.quadrants(width: 20, height: 20, suffix: ".jpg")
        stack.origin.serve("/allowed/a.jpg", .image(jpeg, contentType: "image/jpeg"))
        stack.origin.serve("/other/a.jpg", .image(jpeg, contentType: "image/jpeg"))
        stack.origin.serve("/allowed/escape", .custom { connection in
            connection.sendHead(status: 302, headers: [("Location", "/other/a.jpg"), ("Content-Length", "0")])
        })
        try stack.writeLocal("public/a.jpg", jpeg)
        try stack.writeLocal("private/a.jpg", jpeg)
        #expect(try stack.get("/unsafe/w:10/plain/\(stack.origin.url("/allowed/a.jpg"))").status == 200)
        let other = try stack.get("/unsafe/w:10/plain/\(stack.origin.url("/other/a.jpg"))")
        #expect(other.status == 403 && other.text.contains("IMGFORGE_ALLOWED_SOURCES"))
        #expect(try stack.get("/unsafe/w:10/plain/\(stack.origin.url("/allowed/escape"))").status == 403, "a redirect out of the list")
        #expect(try stack.get("/unsafe/w:10/plain/local:///public/a.jpg").status == 200)
        #expect(try stack.get("/unsafe/w:10/plain/local:///private/a.jpg").status == 403)
    }
}

final class StatusLog: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Int] = []

    func record(_ status: Int) { lock.withLock { recorded.append(status) } }
    var values: [Int] { lock.withLock { recorded.sorted() } }
}

final class UserAgentLog: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []

    func record(_ head: String) { lock.withLock { recorded.append(head) } }
    var heads: [String] { lock.withLock { recorded } }
}
