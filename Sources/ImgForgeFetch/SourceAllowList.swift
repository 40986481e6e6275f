import ImgForgeCore

/// `IMGFORGE_ALLOWED_SOURCES`: the sources (and every redirect) a request may fetch.
///
/// Each entry is a URL prefix compared part by part with the parsed source URL, never as text:
/// the scheme and the port exactly (the scheme's default when absent), the host label by label,
/// the path segment by segment. `*` matches any run of characters within one host label or one
/// path segment (`https://*.example.com/`, `https://cdn.example.com/*/public/`). A source with
/// user information, a fragment, a NUL or a dot segment never matches.
public struct SourceAllowList: Sendable, Equatable {
    public var prefixes: [String]
    private let patterns: [ParsedURL]

    public init(_ prefixes: [String]) {
        self.prefixes = prefixes
        patterns = prefixes.compactMap { ParsedURL($0, pattern: true) }
    }

    public static func == (lhs: SourceAllowList, rhs: SourceAllowList) -> Bool { lhs.prefixes == rhs.prefixes }

    public func allows(_ url: String) -> Bool {
        guard !prefixes.isEmpty else { return true }
        guard let candidate = ParsedURL(url, pattern: false) else { return false }
        return patterns.contains { $0.admits(candidate) }
    }
}

/// The parts of a URL the allow-list compares.
struct ParsedURL: Equatable {
    var scheme: String
    var hostLabels: [String]
    var port: String
    var segments: [String]

    /// nil for what cannot be compared safely: no `://`, user information, a fragment, a NUL, or
    /// (outside patterns) a `.`/`..` segment.
    init?(_ text: String, pattern: Bool) {
        guard let separator = text.range(of: "://") else { return nil }
        scheme = text[..<separator.lowerBound].lowercased()
        let rest = text[separator.upperBound...]
        let lower = rest.lowercased()
        guard !rest.contains("#"), !rest.contains("\0"), !lower.contains("%00") else { return nil }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else { return nil }
        var host = Substring(authority)
        var port = ""
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            port = String(host[host.index(after: close)...].drop { $0 == ":" })
            host = host[...close]
        } else if let colon = host.lastIndex(of: ":") {
            port = String(host[host.index(after: colon)...])
            host = host[..<colon]
        }
        self.port = port.isEmpty ? (scheme == "https" ? "443" : scheme == "http" ? "80" : "") : port
        hostLabels = host.isEmpty ? [] : host.lowercased().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let path = rest[authorityEnd...].prefix { $0 != "?" }
        segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        if !pattern && segments.contains(where: \.isDotSegment) {
            return nil
        }
    }

    /// This pattern admits `candidate`: same scheme and port, matching host, and its path segments
    /// (a trailing `/` adds none) a prefix of the candidate's.
    func admits(_ candidate: ParsedURL) -> Bool {
        guard scheme == candidate.scheme, port == "*" || port == candidate.port,
              hostLabels.count == candidate.hostLabels.count,
              zip(hostLabels, candidate.hostLabels).allSatisfy({ Self.glob($0, $1) })
        else { return false }
        let required = segments.last == "" ? segments.dropLast() : segments[...]
        guard required.count <= candidate.segments.count else { return false }
        return zip(required, candidate.segments).allSatisfy { Self.glob($0, $1) }
    }

    /// `*` matches any run of characters (a label or segment is never split further).
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return pattern == text }
        var rest = Substring(text)
        guard rest.hasPrefix(parts[0]) else { return false }
        rest = rest.dropFirst(parts[0].count)
        for part in parts.dropFirst().dropLast() {
            guard let found = rest.range(of: part) else { return false }
            rest = rest[found.upperBound...]
        }
        return rest.hasSuffix(parts.last!) && rest.count >= parts.last!.count
    }
}
