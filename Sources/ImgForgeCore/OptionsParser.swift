import Logging

/// Turns raw `name:arg` segments into `ProcessingOptions`: presets first
/// (`default`, then as named), later options overriding earlier ones,
/// unknown names ignored.
public struct OptionsParser: Sendable {
    /// Largest width or height a URL may ask for.
    public static let maxDimension = 65_535

    /// Every option's canonical name, in the catalogue's order.
    public static var optionNames: [String] { OptionCatalogue.all.map { $0.names[0] } }

    public let presets: Presets
    public let allowSecurityOptions: Bool
    private let logger: Logger?

    public init(presets: Presets = Presets(), allowSecurityOptions: Bool = false, logger: Logger? = nil) {
        self.presets = presets
        self.allowSecurityOptions = allowSecurityOptions
        self.logger = logger
    }

    public func parse(_ path: ProcessingPath) throws -> ProcessingOptions {
        var options = ProcessingOptions()
        if presets.definitions["default"] != nil {
            try applyPresets(["default"], to: &options, expanding: [])
        }
        try apply(path.options, to: &options, trusted: false, expanding: [])
        if let ext = path.sourceExtension {
            guard let format = ImageFormat(name: ext) else {
                throw ServiceError(.badRequest, "invalid extension \"\(ext)\": expected one of \(ImageFormat.names)")
            }
            options.format = format
        }
        return options
    }

    /// Checks every preset once, at start: each must apply cleanly and not refer to itself.
    public func validatePresets() throws {
        for name in presets.definitions.keys.sorted() {
            var options = ProcessingOptions()
            do {
                try applyPresets([name], to: &options, expanding: [])
            } catch let error as ServiceError {
                throw PresetError(preset: name, reason: error.message)
            }
        }
    }

    /// `trusted` options come from the server's presets and may set per-URL limits.
    private func apply(_ list: [RawOption], to options: inout ProcessingOptions, trusted: Bool, expanding: [String]) throws {
        for option in list {
            if option.name == "preset" || option.name == "pr" {
                guard !option.arguments.isEmpty, !option.arguments.contains("") else {
                    throw ServiceError(.badRequest, "invalid \(option.name) option: expected preset:NAME[:NAME…]")
                }
                try applyPresets(option.arguments, to: &options, expanding: expanding)
                continue
            }
            guard let definition = OptionCatalogue.byName[option.name] else {
                logger?.debug("ignoring unknown option", metadata: ["option": "\(option.name)"])
                continue
            }
            let reader = ArgumentReader(option: option, form: definition.form)
            guard definition.arguments.contains(option.arguments.count) else { throw reader.invalid() }
            if definition.isSecurityOption && !trusted && !allowSecurityOptions {
                throw ServiceError(.forbidden, "forbidden: the \(option.name) option needs IMGFORGE_ALLOW_SECURITY_OPTIONS=true")
            }
            try definition.apply(&options, reader)
        }
    }

    private func applyPresets(_ names: [String], to options: inout ProcessingOptions, expanding: [String]) throws {
        for name in names {
            guard let preset = presets.definitions[name] else {
                throw ServiceError(.badRequest, "unknown preset \"\(name)\"")
            }
            guard !expanding.contains(name) else {
                throw ServiceError(.badRequest, "preset \"\(name)\" refers to itself through \((expanding + [name]).joined(separator: " → "))")
            }
            try apply(preset, to: &options, trusted: true, expanding: expanding + [name])
        }
    }
}
