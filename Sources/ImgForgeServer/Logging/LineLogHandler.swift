import Foundation
import ImgForgeCore
import Logging

/// swift-log's handler for imgforge: one line per event on standard error, as logfmt
/// (`time=… level=info logger=imgforge.request msg=request status=200`) or as a JSON object,
/// the level of each logger taken from `IMGFORGE_LOG_LEVEL`'s filter by its label. Text from
/// URLs can hold anything: quotes and control characters are escaped, so one event stays one
/// line. A line goes out in one `write`, so the lines of a pool's processes do not interleave.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let format: LogFormat

    public init(label: String, filter: LogFilter, format: LogFormat) {
        self.label = label
        self.format = format
        logLevel = filter.level(for: label)
    }

    /// Makes every `Logger` of the process use this handler.
    public static func bootstrap(filter: LogFilter, format: LogFormat) {
        LoggingSystem.bootstrap { label in LineLogHandler(label: label, filter: filter, format: format) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        var line = render(level: event.level, message: "\(event.message)", fields: fields)
        line.append("\n")
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }

    func render(level: Logger.Level, message: String, fields: Logger.Metadata, time: Date = Date()) -> String {
        let stamp = Self.timestamp(time)
        let pairs = fields.sorted { Self.order($0.key) < Self.order($1.key) || (Self.order($0.key) == Self.order($1.key) && $0.key < $1.key) }
        switch format {
        case .logfmt:
            var line = "time=\(stamp) level=\(level.rawValue) logger=\(Self.logfmt(label)) msg=\(Self.logfmt(message))"
            for (key, value) in pairs {
                line += " \(Self.logfmtKey(key))=\(Self.logfmt(Self.text(value)))"
            }
            return line
        case .json:
            var line = #"{"time":"\#(stamp)","level":"\#(level.rawValue)","logger":\#(Self.json(label)),"msg":\#(Self.json(message))"#
            for (key, value) in pairs where !["time", "level", "logger", "msg"].contains(key) {
                line += ",\(Self.json(key)):\(Self.jsonValue(value))"
            }
            return line + "}"
        }
    }

    /// Who and what first, then the rest alphabetically.
    private static let leading = ["request_id", "worker", "method", "path", "status", "bytes"]
    private static func order(_ key: String) -> Int { leading.firstIndex(of: key) ?? leading.count }

    /// RFC 3339 in UTC with milliseconds.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = Int((date.timeIntervalSince1970 - Double(seconds)) * 1000) % 1000
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }

    private static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        case .array(let items): items.map(text).joined(separator: ",")
        case .dictionary(let entries): entries.sorted { $0.key < $1.key }.map { "\($0.key):\(text($0.value))" }.joined(separator: ",")
        }
    }

    /// Bare when it is one plain word; quoted with `\` escapes otherwise.
    static func logfmt(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { scalar in
            scalar.value > 0x20 && scalar.value != 0x7F && scalar != "\"" && scalar != "=" && scalar != "\\"
                && scalar.properties.generalCategory != .control && !scalar.properties.isWhitespace
        }
        return plain ? value : "\"" + escaped(value) + "\""
    }

    /// Keys come from the code, but keep them one word anyway.
    private static func logfmtKey(_ key: String) -> String {
        String(key.unicodeScalars.map { $0.value > 0x20 && $0 != "=" && $0 != "\"" && $0.value < 0x7F ? Character($0) : "_" })
    }

    static func json(_ value: String) -> String { "\"" + escaped(value) + "\"" }

    /// Numbers stay numbers in JSON.
    private static func jsonValue(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .stringConvertible(let number as Int): "\(number)"
        case .stringConvertible(let number as Double) where number.isFinite: "\(number)"
        case .stringConvertible(let flag as Bool): "\(flag)"
        case .array(let items): "[" + items.map(jsonValue).joined(separator: ",") + "]"
        case .dictionary(let entries):
            "{" + entries.sorted { $0.key < $1.key }.map { "\(json($0.key)):\(jsonValue($0.value))" }.joined(separator: ",") + "}"
        default: json(text(value))
        }
    }

    /// The escapes JSON defines, which logfmt readers accept too.
    private static func escaped(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.generalCategory == .control
                    || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
