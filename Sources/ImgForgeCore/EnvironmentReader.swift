import Foundation

/// Reads typed values out of an environment dictionary, failing with the
/// variable's name and the accepted form when a value is malformed.
struct EnvironmentReader {
    let environment: [String: String]

    /// The value, or nil when the variable is unset or empty.
    func string(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func bool(_ name: String, default defaultValue: Bool) throws -> Bool {
        guard let raw = string(name) else { return defaultValue }
        guard let value = parseBool(raw) else {
            throw ConfigurationError(variable: name, value: raw, expected: "true or false (also 1/0, t/f)")
        }
        return value
    }

    func int(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = string(name) else { return defaultValue }
        guard let value = Int(raw), range.contains(value) else {
            throw ConfigurationError(variable: name, value: raw, expected: "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func seconds(_ name: String, default defaultValue: Double) throws -> Double {
        guard let raw = string(name) else { return defaultValue }
        guard let value = Double(raw), value > 0, value <= 86_400 else {
            throw ConfigurationError(variable: name, value: raw, expected: "a number of seconds greater than 0")
        }
        return value
    }

    func oneOf<T>(_ name: String, default defaultValue: T, _ choices: [String: T]) throws -> T {
        guard let raw = string(name) else { return defaultValue }
        guard let value = choices[raw.lowercased()] else {
            throw ConfigurationError(variable: name, value: raw, expected: "one of " + choices.keys.sorted().joined(separator: ", "))
        }
        return value
    }
}

/// imgproxy's boolean spellings: 1/0, t/f, true/false.
public func parseBool(_ raw: String) -> Bool? {
    switch raw.lowercased() {
    case "1", "t", "true": true
    case "0", "f", "false": false
    default: nil
    }
}
