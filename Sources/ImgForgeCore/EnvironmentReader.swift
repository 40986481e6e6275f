import Foundation
import Logging

/// Reads typed values out of an environment dictionary, failing with the
/// variable's name and the accepted form when a value is malformed.
struct EnvironmentReader {
    let environment: [String: String]
    /// Collects the name of every variable read, when set.
    var names: VariableNames? = nil

    /// The value, or nil when the variable is unset or empty.
    func string(_ name: String) -> String? {
        names?.insert(name)
        guard let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    private func fail(_ name: String, _ value: String, _ expected: String) -> ConfigurationError {
        ConfigurationError(variable: name, value: value, expected: expected)
    }

    func bool(_ name: String, default defaultValue: Bool) throws -> Bool {
        guard let raw = string(name) else { return defaultValue }
        guard let value = parseBool(raw) else { throw fail(name, raw, "true or false (also 1/0, t/f)") }
        return value
    }

    func int(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw = string(name) else { return defaultValue }
        guard let value = Int(raw), range.contains(value) else {
            throw fail(name, raw, "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func double(_ name: String, default defaultValue: Double, range: ClosedRange<Double>) throws -> Double {
        guard let raw = string(name) else { return defaultValue }
        guard let value = Double(raw), value.isFinite, range.contains(value) else {
            throw fail(name, raw, "a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func seconds(_ name: String, default defaultValue: Double) throws -> Double {
        guard let raw = string(name) else { return defaultValue }
        guard let value = Double(raw), value > 0, value <= 86_400 else {
            throw fail(name, raw, "a number of seconds greater than 0 (at most 86400)")
        }
        return value
    }

    func oneOf<T>(_ name: String, default defaultValue: T, _ choices: [String: T]) throws -> T {
        guard let raw = string(name) else { return defaultValue }
        guard let value = choices[raw.lowercased()] else {
            throw fail(name, raw, "one of " + choices.keys.sorted().joined(separator: ", "))
        }
        return value
    }

    func bindAddress(_ name: String, tcpOnly: Bool = false) throws -> BindAddress? {
        guard let raw = string(name) else { return nil }
        guard let address = BindAddress(raw), !tcpOnly || !address.isUnix else {
            throw fail(name, raw, tcpOnly ? "host:port" : "unix:/absolute/path or host:port")
        }
        return address
    }

    /// A plain level (`debug`) or a filter list (`info,imgforge.fetch=debug`).
    func logFilter(_ name: String) throws -> LogFilter {
        guard let raw = string(name) else { return LogFilter() }
        guard let filter = LogFilter(raw) else {
            throw fail(name, raw, "a level (trace, debug, info, warning, error, critical) or a list such as info,imgforge.fetch=debug")
        }
        return filter
    }

    /// Comma-separated hex values (keys and salts).
    func hexList(_ name: String) throws -> [[UInt8]] {
        guard let raw = string(name) else { return [] }
        return try raw.split(separator: ",", omittingEmptySubsequences: false).map { item in
            let text = item.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, let bytes = Hex.decode(text) else {
                throw fail(name, raw, "hex digits (an even number of 0-9a-f), comma-separated for several")
            }
            return bytes
        }
    }

    /// A comma-separated list whose items `transform` accepts (nil rejects).
    func list(_ name: String, expected: String, _ transform: (String) -> String?) throws -> [String] {
        guard let raw = string(name) else { return [] }
        return try raw.split(separator: ",").map { item in
            guard let value = transform(item.trimmingCharacters(in: .whitespaces)) else { throw fail(name, raw, expected) }
            return value
        }
    }

    func absolutePath(_ name: String) throws -> String? {
        guard let raw = string(name) else { return nil }
        guard raw.hasPrefix("/") else { throw fail(name, raw, "an absolute path") }
        return raw
    }

    /// An absolute path to an existing directory.
    func directory(_ name: String) throws -> String? {
        guard let path = try absolutePath(name) else { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw fail(name, path, "an existing directory")
        }
        return path
    }

    /// A path to an existing, readable file.
    func file(_ name: String) throws -> String? {
        guard let path = string(name) else { return nil }
        guard FileManager.default.isReadableFile(atPath: path) else { throw fail(name, path, "a readable file") }
        return path
    }

    /// Entries or bytes; unset gives `defaultValue`, `0` no limit.
    func capacity(_ name: String, default defaultValue: Capacity?) throws -> Capacity? {
        guard let raw = string(name) else { return defaultValue }
        if raw == "0" { return nil }
        guard let capacity = Capacity(raw) else {
            throw fail(name, raw, "a number of entries (10000), a size with a unit (512MB, 20GB, 1GiB) or 0 for no limit")
        }
        return capacity
    }

    /// A size in bytes: a plain number or one with a unit (`512MiB`, `1G`); 0 means no limit.
    func bytes(_ name: String, default defaultValue: Int) throws -> Int {
        guard let raw = string(name) else { return defaultValue }
        if raw == "0" { return 0 }
        switch Capacity(raw) {
        case .bytes(let bytes): return bytes
        case .entries(let count): return count
        case nil: throw fail(name, raw, "a number of bytes, or a size with a unit (512MiB, 1GB); 0 for no limit")
        }
    }

    /// `jpeg=80,webp=75`.
    func formatQuality(_ name: String) throws -> [ImageFormat: Int] {
        guard let raw = string(name) else { return [:] }
        var table: [ImageFormat: Int] = [:]
        for item in raw.split(separator: ",") {
            let parts = item.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let format = ImageFormat(name: parts[0]), let quality = Int(parts[1]), (1...100).contains(quality) else {
                throw fail(name, raw, "format=quality pairs such as jpeg=80,webp=75 (quality 1–100)")
            }
            table[format] = quality
        }
        return table
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

/// The names of the variables a configuration reads: the list doc/configuration.md must match.
final class VariableNames: @unchecked Sendable {
    private(set) var all: Set<String> = []

    func insert(_ name: String) { all.insert(name) }
}
