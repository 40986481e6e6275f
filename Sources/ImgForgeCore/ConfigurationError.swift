/// A malformed environment variable, named together with the accepted form.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var variable: String
    public var value: String
    public var expected: String

    public var description: String {
        "\(variable)=\"\(value)\" is not valid: expected \(expected)"
    }
}
