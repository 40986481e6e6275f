import Foundation
@testable import ImgForgeCore
@testable import ImgForgeServer
import Logging
import Testing

/// One event, one line, whatever a URL puts in it; levels by module.
struct LineLogHandlerTests {
    private let hostile = "/rs:fit:1:1/plain/x\n level=critical msg=\"forged\"\r\t\u{1B}[31m\u{7F}\u{2028}é"

    @Test func logfmtKeepsHostileTextOnOneQuotedValue() {
        let handler = LineLogHandler(label: "imgforge.request", filter: LogFilter(), format: .logfmt)
        let line = handler.render(level: .info, message: "request", fields: ["path": "\(hostile)", "status": .stringConvertible(400)])
        #expect(!line.contains("\n") && !line.contains("\r") && !line.contains("\u{1B}") && !line.contains("\u{2028}"))
        #expect(line.contains(#"path="/rs:fit:1:1/plain/x\n level=critical msg=\"forged\"\r\t\u001b[31m\u007f\u2028é""#), "\(line)")
        #expect(line.hasPrefix("time=") && line.contains(" level=info logger=imgforge.request msg=request path=") && line.hasSuffix(" status=400"))
    }

    @Test func jsonIsOneValidObjectWithNumbersAsNumbers() throws {
        let handler = LineLogHandler(label: "imgforge.request", filter: LogFilter(), format: .json)
        let line = handler.render(level: .warning, message: "request \"x\"", fields: [
            "path": "\(hostile)", "status": .stringConvertible(400), "total_ms": .stringConvertible(1.5), "msg": "not the message",
        ])
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["path"] as? String == hostile)
        #expect(object["status"] as? Int == 400 && object["total_ms"] as? Double == 1.5)
        #expect(object["msg"] as? String == "request \"x\"" && object["level"] as? String == "warning")
    }

    @Test func levelsComeFromTheLongestMatchingModule() throws {
        let filter = try #require(LogFilter("warning,imgforge.fetch=debug,imgforge.fetch.s3=error,tower_http=info"))
        #expect(LineLogHandler(label: "imgforge", filter: filter, format: .logfmt).logLevel == .warning)
        #expect(LineLogHandler(label: "imgforge.fetch", filter: filter, format: .logfmt).logLevel == .debug)
        #expect(LineLogHandler(label: "imgforge.fetch.s3", filter: filter, format: .logfmt).logLevel == .error)
        #expect(LineLogHandler(label: "imgforge.fetcher", filter: filter, format: .logfmt).logLevel == .warning)
        // The seed's form: `imgforge=debug` speaks for the whole service.
        #expect(LogFilter("imgforge=debug,tower_http=info")?.level(for: "imgforge.request") == .debug)
        #expect(LogFilter("loud") == nil && LogFilter("imgforge=") == nil && LogFilter("a=b=c") == nil)
    }
}
