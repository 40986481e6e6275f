/// An RGBA colour for backgrounds and trimming.
public struct Color: Equatable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8
    public var alpha: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8 = 255) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// `RRGGBB`, `RRGGBBAA` or `RGB` (each digit doubled, as in CSS), with or without a leading `#`.
    public init?(hex: String) {
        var digits = hex.hasPrefix("#") ? String(hex.dropFirst()) : hex
        if digits.utf8.count == 3 { digits = String(digits.flatMap { [$0, $0] }) }
        guard digits.utf8.count == 6 || digits.utf8.count == 8, let bytes = Hex.decode(digits) else { return nil }
        self.init(red: bytes[0], green: bytes[1], blue: bytes[2], alpha: bytes.count == 4 ? bytes[3] : 255)
    }

    public static let white = Color(red: 255, green: 255, blue: 255)
}
