import Foundation
import Logging

/// Every setting of the service, read once at start and passed down as one value.
public struct Configuration: Sendable {
    /// Listening address when no socket is inherited on fd 0.
    public var bind: BindAddress
    /// Concurrent image operations.
    public var workers: Int
    /// Upper bound for one request, in seconds.
    public var timeout: Double
    /// Upper bound for one source download, in seconds.
    public var downloadTimeout: Double
    public var logLevel: Logger.Level
    /// Accept `unsafe` in place of a signature.
    public var allowUnsigned: Bool
    /// Root for `local:///` sources; nil disables them.
    public var localFilesystemRoot: String?
    /// Largest source accepted, in bytes; 0 means no limit.
    public var maxSrcFileSize: Int
    public var maxRedirects: Int
    /// `Cache-Control: max-age` of image responses, in seconds.
    public var ttl: Int
    /// Default quality of lossy encoders.
    public var quality: Int

    public init(environment: [String: String], processorCount: Int = 1) throws {
        let env = EnvironmentReader(environment: environment)
        let bindText = env.string("IMGFORGE_BIND") ?? "127.0.0.1:9000"
        guard let bind = BindAddress(bindText) else {
            throw ConfigurationError(variable: "IMGFORGE_BIND", value: bindText, expected: "unix:/absolute/path or host:port")
        }
        self.bind = bind
        workers = try env.int("IMGFORGE_WORKERS", default: max(2, 2 * processorCount), range: 1...1024)
        timeout = try env.seconds("IMGFORGE_TIMEOUT", default: 10)
        downloadTimeout = try env.seconds("IMGFORGE_DOWNLOAD_TIMEOUT", default: 5)
        logLevel = try Configuration.logLevel(env)
        allowUnsigned = try env.bool("IMGFORGE_ALLOW_UNSIGNED", default: false)
        if let root = env.string("IMGFORGE_LOCAL_FILESYSTEM_ROOT") {
            guard root.hasPrefix("/") else {
                throw ConfigurationError(variable: "IMGFORGE_LOCAL_FILESYSTEM_ROOT", value: root, expected: "an absolute directory path")
            }
            localFilesystemRoot = root
        } else {
            localFilesystemRoot = nil
        }
        maxSrcFileSize = try env.int("IMGFORGE_MAX_SRC_FILE_SIZE", default: 0, range: 0...Int.max)
        maxRedirects = try env.int("IMGFORGE_MAX_REDIRECTS", default: 10, range: 0...100)
        ttl = try env.int("IMGFORGE_TTL", default: 31_536_000, range: 0...Int(Int32.max))
        quality = try env.int("IMGFORGE_QUALITY", default: 85, range: 1...100)
    }

    /// Accepts a plain level (`debug`) or a filter list in which the
    /// `imgforge=<level>` entry, or else the first bare level, counts.
    private static func logLevel(_ env: EnvironmentReader) throws -> Logger.Level {
        let name = "IMGFORGE_LOG_LEVEL"
        guard let raw = env.string(name) else { return .info }
        let entries = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let chosen = entries.first { $0.hasPrefix("imgforge=") }.map { String($0.dropFirst("imgforge=".count)) }
            ?? entries.first { !$0.contains("=") }
        let aliases: [String: Logger.Level] = ["warn": .warning, "fatal": .critical]
        guard let chosen, let level = Logger.Level(rawValue: chosen) ?? aliases[chosen] else {
            throw ConfigurationError(variable: name, value: raw, expected: "trace, debug, info, warning, error or critical")
        }
        return level
    }
}
