import ArgumentParser
import Foundation
import ImgForgeCore
import ImgForgeProcessing
import Synchronization

/// The miss path's image work done in one process, with no nginx, FastCGI or fetch: the limit
/// that imgforge's misses are measured against (doc/benchmarks.md).
@main
struct Baseline: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imgforge-baseline",
        abstract: "Resize one image again and again on N threads of one process; print operations per second.",
        discussion: """
            reference: imgproxy-style shrink-on-load (JPEG decoded at 1/2, 1/4 or 1/8, WebP at scale), \
            then a lanczos3 resize to the width and an encode with imgforge's own encoder settings. \
            imgforge: the product's whole pipeline (ImageProcessor) with the options of a URL path.
            """
    )

    enum Pipeline: String, ExpressibleByArgument, CaseIterable {
        case reference, imgforge
    }

    @Argument(help: "The source image file.")
    var file: String

    @Option(help: "reference or imgforge.")
    var pipeline: Pipeline = .reference

    @Option(help: "Threads of this process, each running one operation at a time.")
    var threads = 1

    @Option(help: "How long to run, after one warm-up operation per thread.")
    var seconds = 5.0

    @Option(help: "reference: the result's width.")
    var width = 300

    @Option(help: "reference: the output format (jpeg, webp, avif, png).")
    var format = "jpeg"

    @Option(help: "reference: the encoder's quality.")
    var quality = 80

    @Option(help: "imgforge: the options part of a URL, e.g. rs:fit:300:0/q:80; @ext picks the format.")
    var options = "rs:fit:300:0/q:80"

    @Option(help: "reference: how the source is read: sequential (streamed, as the service reads a plain resize) or random (decoded whole into memory).")
    var access: Access = .sequential

    enum Access: String, ExpressibleByArgument, CaseIterable {
        case sequential, random

        var vips: VipsImage.Access { self == .sequential ? .sequential : .random }
    }

    @Flag(help: "Leave libvips' SIMD off (it is on only with one thread: liborc 0.4.33 races between threads).")
    var noSimd = false

    func validate() throws {
        guard threads >= 1, threads <= 64 else { throw ValidationError("--threads takes 1 to 64") }
        guard seconds > 0, seconds <= 3600 else { throw ValidationError("--seconds takes a positive number up to 3600") }
        guard width >= 1 else { throw ValidationError("--width takes a positive number") }
        guard ImageFormat(rawValue: format) != nil else { throw ValidationError("--format: unknown format \(format)") }
    }

    func run() throws {
        let source = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        try Vips.start()
        let operation = try makeOperation(source)
        Vips.setVectorised(threads == 1 && !noSimd)
        _ = try operation()
        let count = Atomic<Int>(0)
        let failure = Mutex<String?>(nil)
        let finished = DispatchGroup()
        let stop = Deadline.after(seconds: seconds)
        let started = ContinuousClock.now
        let cpuAtStart = Self.processCPUSeconds()
        for _ in 0..<threads {
            finished.enter()
            Thread {
                defer { finished.leave() }
                while !stop.hasPassed {
                    do {
                        _ = try operation()
                        count.add(1, ordering: .relaxed)
                    } catch {
                        failure.withLock { $0 = "\(error)" }
                        return
                    }
                }
            }.start()
        }
        finished.wait()
        if let message = failure.withLock({ $0 }) { throw ValidationError("the operation failed: \(message)") }
        let elapsed = ContinuousClock.now - started
        let cpu = Self.processCPUSeconds() - cpuAtStart
        let total = count.load(ordering: .relaxed)
        let rate = Double(total) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        // The process's peak resident memory (VmHWM, in kB).
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let peak = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        print("pipeline=\(pipeline.rawValue) access=\(access.rawValue) threads=\(threads) simd=\(Vips.isVectorised ? "on" : "off") operations=\(total) "
              + "per_second=\(String(format: "%.1f", rate)) cpu_ms_per_operation=\(String(format: "%.2f", cpu * 1000 / Double(max(1, total)))) "
              + "peak_rss_mb=\(peak / 1024)")
    }

    /// User and system time of the whole process, all threads (libvips' included), in seconds.
    private static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// One resize of `source`, returning the encoded bytes.
    private func makeOperation(_ source: [UInt8]) throws -> @Sendable () throws -> [UInt8] {
        switch pipeline {
        case .reference:
            let format = ImageFormat(rawValue: format)!
            let suffix = Encoder.suffix(format, quality: quality, options: ProcessingOptions(), strip: true)
            let access = access.vips
            return { [width] in try ReferencePipeline.thumbnail(source, width: width, suffix: suffix, access: access) }
        case .imgforge:
            let processor = try ImageProcessor(settings: ProcessingSettings(oneOperationAtATime: threads == 1))
            let path = try ProcessingPath(path: "/unsafe/\(options)/plain/local:///source")
            let parsed = try OptionsParser().parse(path)
            return { try processor.process(source, options: parsed).bytes }
        }
    }
}
