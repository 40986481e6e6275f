import Foundation

/// The moment a request must be answered by, on the system-wide monotonic clock, so the
/// supervisor can set it when it accepts a connection and a worker process can honour it.
public struct Deadline: Sendable, Equatable, Comparable {
    /// Nanoseconds on `CLOCK_MONOTONIC`, the same in every process of the machine.
    public let uptimeNanoseconds: UInt64
    /// The whole budget, for the message a client sees.
    public let budgetSeconds: Double

    public init(uptimeNanoseconds: UInt64, budgetSeconds: Double) {
        self.uptimeNanoseconds = uptimeNanoseconds
        self.budgetSeconds = budgetSeconds
    }

    /// `seconds` from now.
    public static func after(seconds: Double, from start: UInt64 = Deadline.now) -> Deadline {
        let budget = max(0, min(seconds, 86_400))
        return Deadline(uptimeNanoseconds: start &+ UInt64(budget * 1e9), budgetSeconds: budget)
    }

    /// The monotonic clock now, in nanoseconds.
    public static var now: UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Seconds left; 0 once past.
    public var remainingSeconds: Double {
        let now = Deadline.now
        return now >= uptimeNanoseconds ? 0 : Double(uptimeNanoseconds - now) / 1e9
    }

    public var hasPassed: Bool { Deadline.now >= uptimeNanoseconds }

    /// The answer once the deadline has passed: 503, naming the budget.
    public var error: ServiceError {
        ServiceError(.timedOut, "request timed out after \(Self.format(budgetSeconds))s")
    }

    /// Throws the timeout once the deadline has passed; called between steps.
    public func check() throws {
        if hasPassed { throw error }
    }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.uptimeNanoseconds < rhs.uptimeNanoseconds }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
