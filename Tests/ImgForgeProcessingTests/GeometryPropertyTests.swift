import ImgForgeCore
@testable import ImgForgeProcessing
import Testing

/// Hostile numbers in every geometry option: parsing plus the plan end in a 400 naming the
/// problem or in sizes libvips can take; never a trap (a trap would end this test process).
struct GeometryPropertyTests {
    static let combinations = 100_000

    private static let extremes = [
        "0", "-1", "1", "2", "0.5", "1e-300", "1e300", "-1e300", "nan", "NaN", "inf", "-inf", "1e-310", "0.001", "1000",
        "5", "65535", "65536", "9223372036854775807", "-9223372036854775808", "4294967296", "0.0000001", "3.4e38",
    ]
    /// Extreme but in range for most options, so most combinations reach the plan.
    private static let edges = ["0", "1", "2", "0.001", "0.0011", "0.999", "1000", "999.9", "5", "4.99", "65535", "65534", "8192", "8193", "3"]
    private static let options: [(name: String, arguments: Int)] = [
        ("rs:fit", 2), ("rs:fill", 2), ("rs:fill-down", 2), ("rs:force", 2), ("rs:auto", 2), ("s", 2), ("w", 1), ("h", 1),
        ("mw", 1), ("mh", 1), ("z", 2), ("z", 1), ("dpr", 1), ("pd", 4), ("pd", 1), ("c", 2), ("ex", 1), ("exar", 1),
        ("el", 1), ("g:nowe", 2), ("g:fp", 2), ("bl", 1), ("sh", 1), ("pix", 1), ("rot", 1), ("t", 1),
    ]

    @Test func extremeCombinationsNeverTrap() {
        var generator = SplitMix(state: 0x1a2b_3c4d)
        let parser = OptionsParser()
        var refusedByParser = 0, refusedByPlan = 0, planned = 0
        for _ in 0..<Self.combinations {
            let count = 1 + Int(generator.next() % 6)
            let segments = (0..<count).map { _ -> String in
                let option = Self.options[Int(generator.next() % UInt64(Self.options.count))]
                let arguments = (0..<option.arguments).map { _ in
                    let pool = generator.next() % 10 < 2 ? Self.extremes : Self.edges
                    return pool[Int(generator.next() % UInt64(pool.count))]
                }
                return ([option.name] + arguments).joined(separator: ":")
            }
            let source = Size(1 + Int(generator.next() % 8000), 1 + Int(generator.next() % 8000))
            let options: ProcessingOptions
            do {
                options = try parser.parse(ProcessingPath(path: "/unsafe/\(segments.joined(separator: "/"))/plain/local:///a.jpg"))
            } catch let error as ServiceError {
                #expect(error.status == 400 && error.message.hasPrefix("invalid "), "\(segments): \(error)")
                refusedByParser += 1
                continue
            } catch {
                Issue.record("\(segments): \(error)")
                continue
            }
            let plan = GeometryPlan(source: source, options: options)
            do {
                try plan.check(maxResultDimension: 8192)
                planned += 1
                let result = plan.resultSize
                #expect(result.width >= 1 && result.width <= 8192 && result.height >= 1 && result.height <= 8192, "\(segments) on \(source)")
                #expect(plan.scaled.width <= 8192 && plan.scaled.height <= 8192)
            } catch let error as ServiceError {
                #expect(error.status == 400, "\(segments) on \(source): \(error)")
                refusedByPlan += 1
            } catch {
                Issue.record("\(segments) on \(source): \(error)")
            }
        }
        #expect(refusedByParser + refusedByPlan + planned == Self.combinations)
        // The generator must reach all three outcomes, or it tests less than it claims.
        #expect(refusedByParser > 1000 && refusedByPlan > 1000 && planned > 1000, "parser \(refusedByParser), plan \(refusedByPlan), planned \(planned)")
        print("geometry property test: \(Self.combinations) combinations: \(refusedByParser) refused by the parser, \(refusedByPlan) by the plan, \(planned) planned")
    }
}

/// A small deterministic generator (SplitMix64), so a failure can be replayed.
struct SplitMix {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
