/// Reads one option's arguments; every failure names the option as written
/// and the form it expects.
struct ArgumentReader {
    let option: RawOption
    let form: String

    var count: Int { option.arguments.count }

    func invalid(_ detail: String? = nil) -> ServiceError {
        let given = ([option.name] + option.arguments).joined(separator: ":")
        let reason = detail.map { " (\($0))" } ?? ""
        return ServiceError(.badRequest, "invalid \(option.name) option \"\(given)\"\(reason): expected \(form)")
    }

    /// The argument, or nil when it is absent or empty (keep the current value).
    func value(at index: Int) -> String? {
        guard index < option.arguments.count, !option.arguments[index].isEmpty else { return nil }
        return option.arguments[index]
    }

    func int(at index: Int, _ range: ClosedRange<Int>) throws -> Int? {
        guard let text = value(at: index) else { return nil }
        guard let number = Int(text), range.contains(number) else { throw invalid() }
        return number
    }

    func double(at index: Int, _ range: ClosedRange<Double>) throws -> Double? {
        guard let text = value(at: index) else { return nil }
        guard let number = Double(text), number.isFinite, range.contains(number) else { throw invalid() }
        return number
    }

    /// A number that must be greater than `lowerBound` (and at most `upperBound`).
    func positiveDouble(at index: Int, upTo upperBound: Double = .greatestFiniteMagnitude) throws -> Double? {
        guard let number = try double(at: index, 0...upperBound) else { return nil }
        guard number > 0 else { throw invalid() }
        return number
    }

    func bool(at index: Int) throws -> Bool? {
        guard let text = value(at: index) else { return nil }
        guard let flag = parseBool(text) else { throw invalid() }
        return flag
    }

    func choice<T: RawRepresentable>(at index: Int, _ type: T.Type = T.self) throws -> T? where T.RawValue == String {
        guard let text = value(at: index) else { return nil }
        guard let value = T(rawValue: text.lowercased()) else { throw invalid() }
        return value
    }

    func format(at index: Int) throws -> ImageFormat? {
        guard let text = value(at: index) else { return nil }
        guard let format = ImageFormat(name: text) else { throw invalid("unknown format \(text)") }
        return format
    }

    /// `type[:x:y]` starting at `index`; `sm` and `fp` only where `allowSmart` is set.
    func gravity(from index: Int, allowSmart: Bool = true) throws -> Gravity? {
        guard let kind = try choice(at: index, Gravity.Kind.self) else { return nil }
        switch kind {
        case .smart:
            guard allowSmart, count <= index + 1 else { throw invalid() }
            return Gravity(.smart)
        case .focusPoint:
            guard allowSmart, count == index + 3,
                  let x = try double(at: index + 1, 0...1), let y = try double(at: index + 2, 0...1)
            else { throw invalid("a focus point needs x and y between 0 and 1") }
            return Gravity(.focusPoint, x: x, y: y)
        default:
            let bound = Double(OptionsParser.maxDimension)
            let x = try double(at: index + 1, -bound...bound) ?? 0
            let y = try double(at: index + 2, -bound...bound) ?? 0
            return Gravity(kind, x: x, y: y)
        }
    }

    /// `RRGGBB`, `RRGGBBAA`, or `R:G:B` starting at `index`.
    func color(from index: Int) throws -> Color? {
        let remaining = count - index
        if remaining >= 3 {
            guard let red = try int(at: index, 0...255), let green = try int(at: index + 1, 0...255),
                  let blue = try int(at: index + 2, 0...255)
            else { throw invalid() }
            return Color(red: UInt8(red), green: UInt8(green), blue: UInt8(blue))
        }
        guard let text = value(at: index) else { return nil }
        guard let color = Color(hex: text) else { throw invalid("not a colour: \(text)") }
        return color
    }
}
