import Foundation
import Synchronization

/// Runs `body` on `count` plain threads at once and returns their results, in order.
func concurrently<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let results = ResultsBox<T>(count)
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        Thread {
            results.set(index, body(index))
            group.leave()
        }.start()
    }
    group.wait()
    return results.values
}

final class ResultsBox<T: Sendable>: Sendable {
    private let storage: Mutex<[T?]>

    init(_ count: Int) { storage = Mutex(Array(repeating: nil, count: count)) }
    func set(_ index: Int, _ value: T) { storage.withLock { $0[index] = value } }
    var values: [T] { storage.withLock { $0.compactMap { $0 } } }
}
