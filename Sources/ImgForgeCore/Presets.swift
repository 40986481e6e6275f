import Foundation

/// Server-defined option bundles, by name.
public struct Presets: Sendable, Equatable {
    public var definitions: [String: [RawOption]]

    public init(_ definitions: [String: [RawOption]] = [:]) {
        self.definitions = definitions
    }

    /// `IMGFORGE_PRESETS`: `name=opt/opt,name2=opt`.
    public static func parse(list: String) throws -> Presets {
        try parse(entries: list.split(separator: ","))
    }

    /// `IMGFORGE_PRESETS_PATH`: one `name=opt/opt` a line; `#` starts a comment.
    public static func parse(file contents: String) throws -> Presets {
        let lines = contents.split(whereSeparator: \.isNewline).map { line in
            line.prefix { $0 != "#" }
        }
        return try parse(entries: lines)
    }

    private static func parse(entries: [Substring]) throws -> Presets {
        var definitions: [String: [RawOption]] = [:]
        for entry in entries {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "="), equals != trimmed.startIndex else {
                throw PresetError(preset: trimmed, reason: "expected name=option/option")
            }
            let name = String(trimmed[..<equals]).trimmingCharacters(in: .whitespaces)
            let body = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw PresetError(preset: name, reason: "a name may hold letters, digits, - and _ only")
            }
            guard definitions[name] == nil else {
                throw PresetError(preset: name, reason: "defined twice")
            }
            var options: [RawOption] = []
            for segment in body.split(separator: "/") {
                let parts = segment.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard parts.count >= 2, !parts[0].isEmpty else {
                    throw PresetError(preset: name, reason: "\"\(segment)\" is not name:argument")
                }
                options.append(RawOption(name: parts[0], arguments: Array(parts.dropFirst())))
            }
            guard !options.isEmpty else { throw PresetError(preset: name, reason: "no options") }
            definitions[name] = options
        }
        return Presets(definitions)
    }
}

/// A preset that cannot be used, named with the reason.
public struct PresetError: Error, CustomStringConvertible, Equatable {
    public var preset: String
    public var reason: String

    public var description: String { "preset \"\(preset)\": \(reason)" }
}
