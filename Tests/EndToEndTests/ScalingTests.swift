import Foundation
import Testing

/// doc/scaling.md on one machine: two complete pairs (two nginx, two supervisors with their pools)
/// sharing one cache directory, as hosts sharing a network filesystem would. Concurrent misses for
/// one URL through both nginx are processed once, and afterwards both nginx serve it as a hit.
@Suite(.serialized)
struct ScalingTests {
    @Test func twoPairsOnOneCacheProcessEachURLOnceAndBothServeTheHits() throws {
        let shared = FileManager.default.temporaryDirectory.appendingPathComponent("imgforge-shared-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: shared) }
        // The pairs run with the same settings, as hosts of one deployment do: their results are interchangeable.
        let settings = ["IMGFORGE_WORKERS": "2", "IMGFORGE_CACHE_TYPE": "disk", "IMGFORGE_CACHE_DISK_PATH": shared.appendingPathComponent("cache").path,
                        "IMGFORGE_KEY": testKey, "IMGFORGE_SALT": testSalt, "IMGFORGE_LOCAL_FILESYSTEM_ROOT": shared.path]
        let first = try ServiceStack(environment: settings)
        defer { first.stop() }
        let second = try ServiceStack(environment: settings)
        defer { second.stop() }

        // One origin for both pairs, slow enough that all requests overlap.
        let jpeg = try TestImage.quadrants(width: 600, height: 400, suffix: ".jpg")
        first.origin.serve("/shared.jpg", .custom { connection in
            usleep(300_000)
            connection.sendHead(status: 200, headers: [("Content-Type", "image/jpeg"), ("Content-Length", "\(jpeg.count)")])
            connection.send(jpeg)
        })
        let url = try signed("/rs:fit:150:150/plain/\(first.origin.url("/shared.jpg"))")
        let perPair = 8
        let answers = concurrently(2 * perPair) { index in try? (index % 2 == 0 ? first : second).get(url) }
        #expect(answers.count == 2 * perPair && answers.allSatisfy { $0?.status == 200 })
        #expect(Set(answers.compactMap { $0?.body }).count == 1, "every answer has the same bytes")
        let processed = first.origin.requests.filter { $0 == "/shared.jpg" }.count
        #expect(processed == 1, "fetched and processed once for both pairs")
        let tookPart = [first, second].map { $0.imgforgeLog.contains("rs:fit:150:150") }
        #expect(tookPart == [true, true], "both pools saw the misses")

        // Now a hit on both, served by nginx from the shared directory without asking imgforge.
        let hits = [try first.get(url), try second.get(url)]
        #expect(hits.allSatisfy { $0.status == 200 && $0.body == answers.first??.body })
        var servedAlone: [Bool] = []
        for stack in [first, second] {
            let log = try String(contentsOf: stack.directory.appendingPathComponent("nginx/logs/access.log"), encoding: .utf8)
            servedAlone.append(log.split(separator: "\n").last { $0.contains("rs:fit:150:150") }?.contains("upstream=- ") == true)
        }
        #expect(servedAlone == [true, true], "both nginx serve the hit themselves")
        let cache = shared.appendingPathComponent("cache")
        let current = try FileManager.default.destinationOfSymbolicLink(atPath: cache.appendingPathComponent("current").path)
        let stored = try FileManager.default.subpathsOfDirectory(atPath: cache.appendingPathComponent(current).path).filter { $0.hasSuffix(".jpg") }
        #expect(stored.count == 1)
        print("two pairs | one cache directory | \(2 * perPair) concurrent misses (\(perPair) per nginx) | processed \(processed) | "
              + "files stored \(stored.count) | next request a hit from nginx A: \(servedAlone[0]), nginx B: \(servedAlone[1])")
    }
}
