import Logging

/// `IMGFORGE_LOG_LEVEL`: a default level and per-module levels, in the seed's form
/// `info,imgforge.fetch=debug` (or `imgforge=debug,tower_http=info`). A module is a logger
/// label; the longest matching prefix (`imgforge.fetch` for `imgforge.fetch.s3`) decides.
/// Modules imgforge does not have (the seed's `tower_http`) are accepted and match nothing.
public struct LogFilter: Sendable, Equatable, CustomStringConvertible {
    public var defaultLevel: Logger.Level
    public var modules: [String: Logger.Level]

    public init(defaultLevel: Logger.Level = .info, modules: [String: Logger.Level] = [:]) {
        self.defaultLevel = defaultLevel
        self.modules = modules
    }

    /// Nil when an entry is not `level` or `module=level`.
    public init?(_ text: String) {
        self.init()
        var sawDefault = false
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !entry.isEmpty {
            let parts = entry.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
            switch parts.count {
            case 1:
                guard let level = Self.level(parts[0]) else { return nil }
                defaultLevel = level
                sawDefault = true
            case 2:
                guard !parts[0].isEmpty, let level = Self.level(parts[1]) else { return nil }
                modules[parts[0]] = level
            default:
                return nil
            }
        }
        // `imgforge=debug` alone speaks for the whole service.
        if !sawDefault, let root = modules["imgforge"] { defaultLevel = root }
    }

    /// The level of the logger labelled `label`.
    public func level(for label: String) -> Logger.Level {
        var best: (length: Int, level: Logger.Level)?
        for (module, level) in modules where label == module || label.hasPrefix(module + ".") {
            if module.count > (best?.length ?? -1) { best = (module.count, level) }
        }
        return best?.level ?? defaultLevel
    }

    /// The most verbose level any module has: what a process must at least emit.
    public var mostVerbose: Logger.Level { modules.values.reduce(defaultLevel, min) }

    public var description: String {
        ([defaultLevel.rawValue] + modules.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rawValue)" }).joined(separator: ",")
    }

    private static func level(_ text: String) -> Logger.Level? {
        Logger.Level(rawValue: text) ?? ["warn": .warning, "fatal": .critical][text]
    }
}
