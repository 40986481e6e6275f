import Foundation

/// imgproxy's integer helpers; every size and position goes through one of these.
enum Rounding {
    /// Every computed size or offset stays within this many pixels either way, so hostile
    /// options can never overflow an `Int` (or trap converting NaN or infinity); the plan's
    /// own check then refuses such sizes with a 400.
    static let bound = 1 << 40

    /// Half away from zero.
    static func round(_ value: Double) -> Int { saturating(value.rounded(.toNearestOrAwayFromZero)) }

    /// Half to even (banker's rounding).
    static func roundToEven(_ value: Double) -> Int { saturating(value.rounded(.toNearestOrEven)) }

    /// NaN becomes 0; everything else is clamped to ±`bound`.
    static func saturating(_ value: Double) -> Int {
        guard !value.isNaN else { return 0 }
        return Int(max(-Double(bound), min(Double(bound), value)))
    }

    /// `a × s`, keeping 0 as "unset".
    static func scale(_ value: Int, _ factor: Double) -> Int { value == 0 ? 0 : round(Double(value) * factor) }

    static func scaleToEven(_ value: Int, _ factor: Double) -> Int { value == 0 ? 0 : roundToEven(Double(value) * factor) }

    static func shrinkToEven(_ value: Int, _ divisor: Double) -> Int { value == 0 ? 0 : roundToEven(Double(value) / divisor) }

    /// The non-zero one of the two, or the smaller when both are set.
    static func minNonZero(_ a: Int, _ b: Int) -> Int {
        if a == 0 { return b }
        if b == 0 { return a }
        return min(a, b)
    }
}
