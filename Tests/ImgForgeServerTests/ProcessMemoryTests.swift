import Foundation
@testable import ImgForgeServer
import Testing

struct ProcessMemoryTests {
    /// The resident size read from /proc/<pid>/statm agrees with the kernel's VmRSS line in /proc/<pid>/status.
    @Test func residentBytesAgreeWithTheKernelsStatus() throws {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kilobytes = try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
        let resident = try #require(ProcessMemory.residentBytes())
        #expect(resident > 1 << 20)
        #expect(abs(resident - kilobytes * 1024) < kilobytes * 1024 / 10)
        #expect(ProcessMemory.residentBytes(pid: getpid()) != nil)
        #expect(ProcessMemory.residentBytes(pid: -5) == nil)
    }
}
