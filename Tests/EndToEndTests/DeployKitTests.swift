import Foundation
import Testing

/// The deploy kit is checked, not just written: the systemd units verify offline and keep their
/// `systemd-analyze security` exposure at the level doc/security.md states.
struct DeployKitTests {
    @Test func systemdUnitsVerifyAndStayHardened() throws {
        let process = Process()
        process.executableURL = ServiceStack.repository.appendingPathComponent("scripts/check-systemd-units")
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        print("systemd units | \(text.split(separator: "\n").joined(separator: " | "))")
        // 77: systemd-analyze is missing, which `make test` installs.
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("Overall exposure level for imgforge.service") && text.contains("OK"), "\(text)")
    }
}
