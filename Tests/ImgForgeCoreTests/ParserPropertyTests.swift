import ImgForgeCore
import Testing

/// Whatever arrives as a request URI, parsing ends in a plan or a 4xx: never a crash, never a 5xx.
struct ParserPropertyTests {
    /// A small deterministic generator, so a failure can be replayed.
    struct Generator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }

        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    private static let pieces = [
        "rs", "resize", "fit", "fill", "w", "h", "g", "sm", "fp", "0.5", "c", "t", "pd", "bg", "ffffff", "wm", "re",
        "pr", "preset", "q", "fq", "jpeg", "exp", "fn", "att", "1", "0", "-1", "65536", "999999999999999999999", "nan",
        "plain", "http:", "https://", "local:", "s3:", "%", "%2F", "%E9", "%00", "..", "@", "@png", ".webp", "=", "==",
        "", ":", "/", "//", "?", "#", "é", "\u{0}", "aHR0cDovL2E", "unsafe", "info", "\u{FFFD}", " ", "+", "msr", "mrd",
    ]

    private static let options = [
        "rs:fill:100:100", "w:10", "h:0", "g:sm", "g:fp:0.5:0.5", "g:noea:5:5", "c:0.5:0.5", "t:10:ffffff", "pd:1:2",
        "bg:ff00ff", "bga:0.5", "bl:2", "sh:1", "pix:4", "a:10:1.1:0.9", "wm:0.5:re", "q:80", "fq:webp:60", "mb:1000",
        "f:png", "sm:0", "jpgo:1", "pngo:1:1:16", "webpo:lossless", "avifo:on", "pg:1", "pgs:2", "da:1", "skp:gif",
        "raw:1", "cb:1", "exp:4102444800", "fn:cat", "att:1", "pr:a", "pr:b", "msr:2", "mrd:100", "z:2", "dpr:2",
        "mw:10", "mh:10", "el:1", "ex:1:so", "exar:1", "ar:0", "rot:90", "fl:1:1", "ra:cubic", "rt:auto",
    ]

    @Test func randomURIsNeverCrashOrAnswer5xx() throws {
        var random = Generator(state: 0x1f0f_6e)
        let presets = try Presets.parse(list: "a=w:1/pr:b,b=h:1,default=q:50")
        let parsers = [OptionsParser(), OptionsParser(presets: presets, allowSecurityOptions: true)]
        var outcomes: [Int: Int] = [:]
        for index in 0..<20_000 {
            var uri = "/"
            if index % 2 == 0 {
                // Mostly well-formed URLs with one piece of noise, to reach deep into the option parsers.
                uri = "/unsafe/"
                for _ in 0..<(random.next() % 5) {
                    uri += random.pick(Self.options) + "/"
                }
                if random.next() % 3 == 0 { uri += random.pick(Self.pieces) + "/" }
                uri += random.pick(["plain/http://example.com/a.jpg", "plain/local:///a.png@webp", "aHR0cDovL2EvYi5qcGc.png"])
            }
            for _ in 0..<(index % 2 == 0 ? 0 : random.next() % 12) {
                uri += random.pick(Self.pieces)
                uri += random.pick(["/", ":", "", "/"])
            }
            if index % 5 == 0 {
                // Raw bytes too, as a client could send them.
                let bytes = (0..<(random.next() % 40)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                uri += String(decoding: bytes, as: UTF8.self)
            }
            let status: Int
            do {
                let route = try Route(requestURI: uri, presetsOnly: index % 7 == 0)
                if case .image(let path) = route {
                    _ = try parsers[index % 2].parse(path)
                }
                status = 200
            } catch let error as ServiceError {
                status = error.status
            }
            #expect((200..<500).contains(status), "\(uri) → \(status)")
            outcomes[status, default: 0] += 1
        }
        // The generator reaches both successes and refusals.
        #expect(outcomes[200, default: 0] > 100)
        #expect(outcomes[400, default: 0] > 100)
    }

    @Test func randomBase64SourcesNeverCrash() {
        var random = Generator(state: 42)
        for _ in 0..<5_000 {
            let bytes = (0..<(random.next() % 64)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let path = "/unsafe/w:10/" + Base64URL.encode(bytes) + random.pick(["", ".png", ".", ".x"])
            do {
                _ = try OptionsParser().parse(ProcessingPath(path: path))
            } catch let error as ServiceError {
                #expect(error.status == 400, "\(path)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}
