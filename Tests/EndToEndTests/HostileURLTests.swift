import Foundation
import Testing

/// Random and hostile request targets through nginx: each gets a 2xx or 4xx,
/// and the service keeps answering.
@Suite(.serviceStack())
struct HostileURLTests {
    @Test func randomTargetsGetAnswersBelow500() throws {
        let stack = try currentStack()
        try stack.writeLocal("a.png", try TestImage.quadrants(width: 40, height: 40, suffix: ".png"))
        let pieces = [
            "unsafe", "rs:fit:10:10", "w:abc", "plain", "local:", "a.png", "%2F", "%2e%2e", "..", "@webp", "@", "q:500",
            "c:0.5:0.5:sm", "pr:nope", "g:fp:2:2", "aGVsbG8", "==", "exp:1", "pd:1:2:3:4:5", "bg:zzzzzz", "%E9", "~", "!",
            "fn:x:1", "t:-5", "rot:45", "http:", "s3:", "ftp:", "wm:2", "f:bmp", "raw:1", "%00", "'", "\"",
        ]
        var generator = ParserPropertyGenerator(state: 7)
        var statuses: [Int: Int] = [:]
        for _ in 0..<300 {
            var target = ""
            for _ in 0..<(1 + generator.next() % 7) { target += "/" + generator.pick(pieces) }
            // nginx itself refuses some raw bytes; percent-encode anything outside the visible ASCII range.
            target = target.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "\"'"))) ?? target
            let response = try stack.get(target)
            #expect(response.status < 500, "\(target) → \(response.status) \(response.text)")
            statuses[response.status, default: 0] += 1
        }
        #expect(statuses.keys.contains(400) && statuses.keys.contains(404))
        #expect(try stack.get("/status").status == 200)
        #expect(stack.imgforgeIsRunning)
    }

    @Test func oversizedTargetsAreRefusedCleanly() throws {
        let stack = try currentStack()
        let long = "/unsafe/" + String(repeating: "w:1/", count: 1500) + "plain/local:///a.png"
        let response = try stack.get(long)
        #expect(response.status < 500)
        #expect(try stack.get("/status").status == 200)
    }
}

struct ParserPropertyGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }

    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}
