import Foundation
import Testing

/// `imgforge check` fails on what would stop `imgforge serve` at start, and says which variable.
struct CheckCommandTests {
    struct Outcome {
        var status: Int32
        var output: String
    }

    private func imgforge(_ arguments: [String], _ environment: [String: String], timeout: Double = 10) throws -> Outcome {
        let process = Process()
        process.executableURL = try ServiceStack.imgforgeBinary()
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("IMGFORGE_") }.merging(environment) { $1 }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("imgforge-check-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return Outcome(status: process.terminationStatus, output: try String(contentsOf: log, encoding: .utf8))
    }

    @Test func aSoundConfigurationPassesWithSecretsMasked() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imgforge-check-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try imgforge(["check"], ["IMGFORGE_KEY": testKey, "IMGFORGE_SALT": testSalt, "IMGFORGE_SECRET": "very-secret",
                                              "IMGFORGE_CACHE_TYPE": "disk", "IMGFORGE_CACHE_DISK_PATH": directory.appendingPathComponent("cache").path,
                                              "IMGFORGE_BIND": "unix:\(directory.path)-no-such-dir/imgforge.sock", "IMGFORGE_STATUS_BIND": "127.0.0.1:\(try Sockets.freePort())"])
        // The socket's directory is missing: that alone fails.
        #expect(outcome.status == 78 && outcome.output.contains("IMGFORGE_BIND: cannot create a socket in"), "\(outcome.output)")
        #expect(!outcome.output.contains("very-secret") && !outcome.output.contains(testKey))
        #expect(!FileManager.default.fileExists(atPath: directory.path), "check creates nothing")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fixed = try imgforge(["check"], ["IMGFORGE_CACHE_TYPE": "disk", "IMGFORGE_CACHE_DISK_PATH": directory.appendingPathComponent("cache").path,
                                            "IMGFORGE_BIND": "unix:\(directory.path)/imgforge.sock"])
        #expect(fixed.status == 0 && fixed.output.contains("configuration OK"), "\(fixed.output)")
    }

    @Test func checkAndServeFailAlikeOnACacheOthersCanWriteAndABusyPort() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imgforge-check-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("cache"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        chmod(directory.appendingPathComponent("cache").path, 0o777)
        let busy = try TestOrigin()
        let environment = ["IMGFORGE_CACHE_TYPE": "disk", "IMGFORGE_CACHE_DISK_PATH": directory.appendingPathComponent("cache").path,
                           "IMGFORGE_BIND": "unix:\(directory.path)/imgforge.sock", "IMGFORGE_PROMETHEUS_BIND": "127.0.0.1:\(busy.port)"]
        let check = try imgforge(["check"], environment)
        #expect(check.status == 78, "\(check.output)")
        #expect(check.output.contains("IMGFORGE_CACHE_DISK_PATH:") && check.output.contains("writable by other users"), "\(check.output)")
        #expect(check.output.contains("IMGFORGE_PROMETHEUS_BIND: cannot listen on 127.0.0.1:\(busy.port)"), "\(check.output)")
        // serve stops on each as well (on the port first).
        let serve = try imgforge(["serve"], environment)
        #expect(serve.status != 0 && serve.output.contains("IMGFORGE_PROMETHEUS_BIND"), "\(serve.output)")
        var freed = environment
        freed["IMGFORGE_PROMETHEUS_BIND"] = "127.0.0.1:\(try Sockets.freePort())"
        let serveAgain = try imgforge(["serve"], freed)
        #expect(serveAgain.status != 0 && serveAgain.output.contains("writable by other users"), "\(serveAgain.output)")
    }
}
