/// File names for unsigned URLs, which nginx cuts out of the request URI with the regular
/// expressions of `imgforge nginx-config` (the two sides are checked against each other by the
/// end-to-end tests).
///
/// Only a URI in a strict form has one: `/unsafe/` followed by segments of `unsignedSegmentClass`
/// (1 to `maximumSegmentLength` bytes each, never `.` or `..`) joined by `/`, where one join may
/// be `//` or `///` (the `://` of a plain source URL, `local:///`). No query, no escapes, no empty
/// or dot segments: the file system cannot read such a name as anything but itself. The name is
/// `u/` and the URI's segments, the one double or triple slash written as a segment `~` or `~~`,
/// and a final `~`:
///
///     /unsafe/w:300/plain/http://origin/a.jpg  →  u/w:300/plain/http:/~/origin/a.jpg~[.variant].jpg
///
/// `~` is in no segment, so the URI can be read back from the name (no two URIs share a file), a
/// file's name (`…~.`) is never a directory's, and an unsigned name never meets a signature's
/// two-character directory.
extension CacheKey {
    /// What a segment may hold besides letters and digits (`-` last, as a regular-expression class needs it).
    static let unsignedSegmentPunctuation = "_.,:=@-"
    /// The bytes a segment may hold, as a regular-expression class (nginx's side).
    public static let unsignedSegmentClass = "A-Za-z0-9" + unsignedSegmentPunctuation
    public static let maximumSegmentLength = 200
    /// Longer names are not stored (nginx still looks, and finds nothing): within any file system's path limit.
    static let maximumUnsignedNameLength = 2048
    public static let unsignedPrefix = "/unsafe/"

    public init?(unsignedRequestURI uri: String, variant: String) {
        guard Self.validVariants.contains(variant), uri.hasPrefix(Self.unsignedPrefix) else { return nil }
        let segments = uri.utf8.dropFirst(Self.unsignedPrefix.utf8.count).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        // Where the single `//` or `///` is: one or two empty segments in a row, between two others.
        let empty = segments.indices.filter { segments[$0].isEmpty }
        let join: (at: Int, marker: String)?
        switch empty.count {
        case 0: join = nil
        case 1: join = (empty[0], "~")
        case 2 where empty[1] == empty[0] + 1: join = (empty[0], "~~")
        default: return nil
        }
        if let join, join.at == 0 || join.at + join.marker.count == segments.count { return nil }
        var parts: [String] = []
        for (index, segment) in segments.enumerated() {
            if let join, index >= join.at && index < join.at + join.marker.count {
                if index == join.at { parts.append(join.marker) }
                continue
            }
            guard Self.isUnsignedSegment(segment) else { return nil }
            parts.append(String(decoding: segment, as: UTF8.self))
        }
        let name = parts.removeLast() + "~"
        let directory = (["u"] + parts).joined(separator: "/")
        guard directory.utf8.count + name.utf8.count < Self.maximumUnsignedNameLength else { return nil }
        self.init(directory: directory, name: name, variant: variant)
    }

    private static func isUnsignedSegment(_ segment: Substring.UTF8View.SubSequence) -> Bool {
        (1...maximumSegmentLength).contains(segment.count) && !segment.elementsEqual(".".utf8) && !segment.elementsEqual("..".utf8)
            && isMade(of: segment, lettersDigitsAnd: unsignedSegmentPunctuation)
    }
}
