import Logging

/// Turns raw `name:arg` segments into `ProcessingOptions`. Later options
/// override earlier ones; unknown names are ignored.
public struct OptionsParser: Sendable {
    /// Largest width or height a URL may ask for.
    public static let maxDimension = 65_535

    private let logger: Logger?

    public init(logger: Logger? = nil) {
        self.logger = logger
    }

    public func parse(_ path: ProcessingPath) throws -> ProcessingOptions {
        var options = ProcessingOptions()
        for option in path.options {
            try apply(option, to: &options)
        }
        if let ext = path.sourceExtension {
            guard let format = ImageFormat(name: ext) else {
                throw ServiceError(.badRequest, "invalid extension \"\(ext)\": expected one of \(Self.formatNames)")
            }
            options.format = format
        }
        return options
    }

    private func apply(_ option: RawOption, to options: inout ProcessingOptions) throws {
        var args = ArgumentReader(option)
        switch option.name {
        case "resize", "rs":
            try args.expectCount(1...5, form: "resize:TYPE:WIDTH:HEIGHT[:ENLARGE[:EXTEND]]")
            options.resizingType = try args.resizingType(at: 0) ?? options.resizingType
            options.width = try args.dimension(at: 1) ?? options.width
            options.height = try args.dimension(at: 2) ?? options.height
            options.enlarge = try args.bool(at: 3) ?? options.enlarge
            options.extend = try args.bool(at: 4) ?? options.extend
        case "size", "s":
            try args.expectCount(1...4, form: "size:WIDTH:HEIGHT[:ENLARGE[:EXTEND]]")
            options.width = try args.dimension(at: 0) ?? options.width
            options.height = try args.dimension(at: 1) ?? options.height
            options.enlarge = try args.bool(at: 2) ?? options.enlarge
            options.extend = try args.bool(at: 3) ?? options.extend
        case "resizing_type", "rt":
            try args.expectCount(1...1, form: "resizing_type:fit|fill|fill-down|force|auto")
            options.resizingType = try args.resizingType(at: 0) ?? options.resizingType
        case "width", "w":
            try args.expectCount(1...1, form: "width:PIXELS")
            options.width = try args.dimension(at: 0) ?? options.width
        case "height", "h":
            try args.expectCount(1...1, form: "height:PIXELS")
            options.height = try args.dimension(at: 0) ?? options.height
        case "enlarge", "el":
            try args.expectCount(1...1, form: "enlarge:BOOL")
            options.enlarge = try args.bool(at: 0) ?? options.enlarge
        case "format", "f", "ext":
            try args.expectCount(1...1, form: "format:\(Self.formatNames)")
            guard let name = args.value(at: 0) else { break }
            guard let format = ImageFormat(name: name) else { throw args.invalid() }
            options.format = format
        case "quality", "q":
            try args.expectCount(1...1, form: "quality:1..100")
            if let quality = try args.int(at: 0, range: 0...100) {
                options.quality = quality == 0 ? nil : quality
            }
        default:
            logger?.debug("ignoring unknown option", metadata: ["option": "\(option.name)"])
        }
    }

    static let formatNames = ImageFormat.allCases.map(\.rawValue).joined(separator: "|")
}

/// Reads one option's arguments; every failure names the option and its form.
struct ArgumentReader {
    let option: RawOption
    private(set) var form = ""

    init(_ option: RawOption) {
        self.option = option
    }

    func invalid() -> ServiceError {
        let given = ([option.name] + option.arguments).joined(separator: ":")
        return ServiceError(.badRequest, "invalid \(option.name) option \"\(given)\": expected \(form)")
    }

    mutating func expectCount(_ range: ClosedRange<Int>, form: String) throws {
        self.form = form
        guard range.contains(option.arguments.count) else { throw invalid() }
    }

    /// The argument, or nil when it is absent or empty (keep the current value).
    func value(at index: Int) -> String? {
        guard index < option.arguments.count, !option.arguments[index].isEmpty else { return nil }
        return option.arguments[index]
    }

    func int(at index: Int, range: ClosedRange<Int>) throws -> Int? {
        guard let text = value(at: index) else { return nil }
        guard let number = Int(text), range.contains(number) else { throw invalid() }
        return number
    }

    func dimension(at index: Int) throws -> Int? {
        try int(at: index, range: 0...OptionsParser.maxDimension)
    }

    func bool(at index: Int) throws -> Bool? {
        guard let text = value(at: index) else { return nil }
        guard let flag = parseBool(text) else { throw invalid() }
        return flag
    }

    func resizingType(at index: Int) throws -> ResizingType? {
        guard let text = value(at: index) else { return nil }
        guard let type = ResizingType(rawValue: text) else { throw invalid() }
        return type
    }
}
