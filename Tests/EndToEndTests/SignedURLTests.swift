import Foundation
import ImgForgeCore
import Testing

private let key = testKey
private let salt = testSalt
private let rotatedKey = "6e65776b6579"
private let rotatedSalt = "6e657773616c74"

/// Production-like settings: signatures required (two key pairs, rotation), presets, no unsafe.
@Suite(.serviceStack([
    "IMGFORGE_ALLOW_UNSIGNED": "false",
    "IMGFORGE_KEY": "\(rotatedKey),\(key)",
    "IMGFORGE_SALT": "\(rotatedSalt),\(salt)",
    "IMGFORGE_PRESETS": "thumb=rs:fill:64:64/f:png,default=q:80",
]))
struct SignedURLTests {
    private func fixture() throws -> ServiceStack {
        let stack = try currentStack()
        try stack.writeLocal("photo.jpg", try TestImage.quadrants(width: 400, height: 200, suffix: ".jpg"))
        return stack
    }

    @Test func signedURLIsServed() throws {
        let stack = try fixture()
        let response = try stack.get(try signed("/rs:fit:200:200/plain/local:///photo.jpg"))
        #expect(response.status == 200, "\(response.text)")
        let image = try TestImage(decoding: response.body)
        #expect((image.width, image.height) == (200, 100))
    }

    @Test func bothKeysOfARotationAreAccepted() throws {
        let stack = try fixture()
        let path = "/rs:fit:100:100/plain/local:///photo.jpg"
        #expect(try stack.get(try signed(path)).status == 200)
        #expect(try stack.get(try signed(path, key: rotatedKey, salt: rotatedSalt)).status == 200)
        #expect(try stack.get(try signed(path, key: "00ff", salt: salt)).status == 403)
    }

    @Test func base64SourceWithTheSpecificationsShape() throws {
        let stack = try fixture()
        let source = Base64URL.encode(Array("local:///photo.jpg".utf8))
        let response = try stack.get(try signed("/rs:fill:100:100:0/g:sm/\(source.prefix(8))/\(source.dropFirst(8)).png"))
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "image/png")
    }

    @Test func tamperedOrMissingSignaturesAreForbidden() throws {
        let stack = try fixture()
        let good = try signed("/rs:fit:200:200/plain/local:///photo.jpg")
        let tampered = good.replacingOccurrences(of: "rs:fit:200:200", with: "rs:fit:201:200")
        for target in [tampered, "/unsafe/rs:fit:200:200/plain/local:///photo.jpg", "/AAAA/rs:fit:200:200/plain/local:///photo.jpg"] {
            let response = try stack.get(target)
            #expect(response.status == 403, "\(target)")
            #expect(response.text.contains("forbidden"))
        }
    }

    @Test func badOptionIsCheckedOnlyAfterTheSignature() throws {
        let stack = try fixture()
        let response = try stack.get(try signed("/rs:fit:huge:1/plain/local:///photo.jpg"))
        #expect(response.status == 400)
        #expect(response.text.contains("invalid rs option \"rs:fit:huge:1\""))
        #expect(try stack.get("/unsafe/rs:fit:huge:1/plain/local:///photo.jpg").status == 403)
    }

    @Test func presetsApply() throws {
        let stack = try fixture()
        let response = try stack.get(try signed("/pr:thumb/plain/local:///photo.jpg"))
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "image/png")
        let unknown = try stack.get(try signed("/pr:huge/plain/local:///photo.jpg"))
        #expect(unknown.status == 400 && unknown.text.contains("unknown preset \"huge\""))
    }

    @Test func expiredURLsAreGone() throws {
        let stack = try fixture()
        let now = Int(Date().timeIntervalSince1970)
        let expired = try stack.get(try signed("/exp:\(now - 10)/w:50/plain/local:///photo.jpg"))
        #expect(expired.status == 404 && expired.text.contains("expired"))
        #expect(try stack.get(try signed("/exp:\(now + 3600)/w:50/plain/local:///photo.jpg")).status == 200)
    }

    @Test func securityOptionsNeedTheSwitch() throws {
        let stack = try fixture()
        let response = try stack.get(try signed("/msr:1/plain/local:///photo.jpg"))
        #expect(response.status == 403 && response.text.contains("IMGFORGE_ALLOW_SECURITY_OPTIONS"))
    }

    /// The recipes of doc/url.md, run as a user would, produce URLs this server accepts.
    @Test(arguments: [("bash", "sign.sh"), ("python3", "sign.py")])
    func documentedRecipesSignWorkingURLs(interpreter: String, recipe: String) throws {
        let stack = try fixture()
        let script = ServiceStack.repository.appendingPathComponent("doc/recipes/\(recipe)")
        let documentation = try String(contentsOf: ServiceStack.repository.appendingPathComponent("doc/url.md"), encoding: .utf8)
        #expect(documentation.contains(try String(contentsOf: script, encoding: .utf8)), "doc/url.md must show \(recipe) verbatim")
        let path = "/rs:fit:120:120/plain/local:///photo.jpg@webp"
        let output = try run(interpreter, [script.path, key, salt, path])
        #expect(output == (try signed(path)), "\(recipe) printed \(output)")
        let response = try stack.get(output)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "image/webp")
    }

    @Test func signCommandPrintsWorkingURLs() throws {
        let stack = try fixture()
        let path = "/rs:fit:50:50/plain/local:///photo.jpg"
        let printed = try run(try ServiceStack.imgforgeBinary().path, ["sign", path, "--base", "http://127.0.0.1:\(stack.port)"],
                              environment: ["IMGFORGE_KEY": key, "IMGFORGE_SALT": salt])
        #expect(printed == "http://127.0.0.1:\(stack.port)" + (try signed(path)))
        #expect(try stack.get(String(printed.dropFirst("http://127.0.0.1:\(stack.port)".count))).status == 200)
    }
}

/// The bearer secret guards image, info and metrics requests, never /status.
@Suite(.serviceStack(["IMGFORGE_SECRET": "let-me-in"]))
struct BearerSecretTests {
    @Test func imageRequestsNeedTheSecret() throws {
        let stack = try currentStack()
        try stack.writeLocal("a.png", try TestImage.quadrants(width: 20, height: 20, suffix: ".png"))
        let target = "/unsafe/w:10/plain/local:///a.png"
        #expect(try stack.get(target).status == 403)
        #expect(try stack.get(target, headers: ["Authorization": "Bearer wrong"]).status == 403)
        #expect(try stack.get(target, headers: ["Authorization": "Bearer let-me-in"]).status == 200)
        #expect(try stack.get("/metrics").status == 403)
        #expect(try stack.get("/status").status == 200)
    }
}

/// The bearer secret on cached hits (audit M5): nginx compares it as a literal string, and an
/// nginx configuration rendered without it never gets a file to serve.
@Suite(.serialized)
struct BearerSecretOnHitsTests {
    private let cached = [
        "IMGFORGE_CACHE_TYPE": "disk", "IMGFORGE_CACHE_DISK_PATH": "{stack}/cache",
        "IMGFORGE_KEY": testKey, "IMGFORGE_SALT": testSalt, "IMGFORGE_ALLOW_UNSIGNED": "false",
    ]

    @Test func nginxMetacharactersInTheSecretAreLiteral() throws {
        let secret = #"a$uri"b\c;{d}"#
        let stack = try ServiceStack(environment: cached.merging(["IMGFORGE_SECRET": secret]) { _, new in new })
        defer { stack.stop() }
        try stack.writeLocal("a.png", try TestImage.quadrants(width: 40, height: 40, suffix: ".png"))
        let url = try signed("/w:20/plain/local:///a.png")
        #expect(try stack.get(url, headers: ["Authorization": "Bearer \(secret)"]).status == 200)
        // Served from the cache now: still only with the exact secret.
        #expect(try stack.get(url, headers: ["Authorization": "Bearer \(secret)"]).status == 200)
        #expect(!cacheFiles(stack.directory.path + "/cache/current").isEmpty)
        #expect(try stack.get(url).status == 403)
        // What `$uri` would have expanded to, had nginx read the secret as a variable.
        #expect(try stack.get(url, headers: ["Authorization": "Bearer a\(url)\"b\\c;{d}"]).status == 403)
        #expect(try stack.get(url, headers: ["Authorization": "Bearer a"]).status == 403)
    }

    @Test func anNginxConfigurationWithoutTheSecretIsNeverGivenAFile() throws {
        // The secret was added to imgforge's settings; nginx still runs what was rendered before.
        let stack = try ServiceStack(environment: cached.merging(["IMGFORGE_SECRET": "s3cr3t", "IMGFORGE_ALLOW_UNSIGNED": "true"]) { _, new in new },
                                     nginxEnvironment: ["IMGFORGE_SECRET": nil])
        defer { stack.stop() }
        try stack.writeLocal("a.png", try TestImage.quadrants(width: 40, height: 40, suffix: ".png"))
        let url = try signed("/w:20/plain/local:///a.png")
        #expect(try stack.get(url, headers: ["Authorization": "Bearer s3cr3t"]).status == 200)
        #expect(cacheFiles(stack.directory.path + "/cache/current").isEmpty, "nothing stored for an nginx that would serve it to anyone")
        #expect(try stack.get(url).status == 403, "the miss reaches imgforge, which asks for the secret")
        #expect(stack.imgforgeLog.contains("rendered from other settings"))
        // Nor does such an nginx keep an answer to an unsigned URL, as a file or in its own cache.
        for unsigned in ["/unsafe/w:21/plain/local:///a.png", "/unsafe/w:21/plain/local:///%61.png"] {
            let allowed = try stack.get(unsigned, headers: ["Authorization": "Bearer s3cr3t"])
            #expect(allowed.status == 200 && allowed.header("X-Imgforge-Cache") != "HIT")
            #expect(try stack.get(unsigned).status == 403, "\(unsigned): served from a cache without the secret")
        }
        #expect(cacheFiles(stack.directory.path + "/cache/current").isEmpty)
    }
}

/// `IMGFORGE_ONLY_PRESETS`: the first segment names presets, nothing else.
@Suite(.serviceStack(["IMGFORGE_ONLY_PRESETS": "true", "IMGFORGE_PRESETS": "small=rs:fit:30:30,gray=f:png"]))
struct OnlyPresetsTests {
    @Test func presetNamesOnly() throws {
        let stack = try currentStack()
        try stack.writeLocal("a.jpg", try TestImage.quadrants(width: 90, height: 60, suffix: ".jpg"))
        let response = try stack.get("/unsafe/small:gray/plain/local:///a.jpg")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "image/png")
        #expect(try TestImage(decoding: response.body).width == 30)
        let refused = try stack.get("/unsafe/rs:fit:10:10/plain/local:///a.jpg")
        #expect(refused.status == 400 && refused.text.contains("unknown preset"))
    }
}

/// Runs a command and returns its standard output, trimmed.
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("imgforge-run-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: output) }
    process.standardOutput = try FileHandle(forWritingTo: output)
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw TestFailure("\(executable) \(arguments) exited \(process.terminationStatus)") }
    return try String(contentsOf: output, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
}
