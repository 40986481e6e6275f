/// The address patterns nginx's `allow` takes: an IPv4 or IPv6 address, a network in CIDR
/// form, or `all`. Checked at start so that a typo stops imgforge, not nginx's reload.
enum NetworkPattern {
    static func isValid(_ text: String) -> Bool {
        if text.lowercased() == "all" { return true }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        let address = String(parts[0])
        let bits: Int
        if isIPv4(address) {
            bits = 32
        } else if isIPv6(address) {
            bits = 128
        } else {
            return false
        }
        guard parts.count == 2 else { return true }
        guard let prefix = Int(parts[1]), (0...bits).contains(prefix), parts[1].allSatisfy(\.isASCII) else { return false }
        return true
    }

    private static func isIPv4(_ text: String) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy { $0.isASCII && $0.isNumber } && Int(octet)! <= 255
        }
    }

    private static func isIPv6(_ text: String) -> Bool {
        guard text.contains(":"), text.count <= 45 else { return false }
        // An IPv4 tail (::ffff:10.0.0.1) counts as two groups.
        var groups = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if let last = groups.last, last.contains(".") {
            guard isIPv4(last) else { return false }
            groups.removeLast()
            groups += ["0", "0"]
        }
        let compressed = text.components(separatedBy: "::").count - 1
        guard compressed <= 1, groups.allSatisfy({ $0.count <= 4 && $0.allSatisfy(\.isHexDigit) }) else { return false }
        let filled = groups.filter { !$0.isEmpty }.count
        return compressed == 1 ? filled < 8 : (filled == 8 && groups.count == 8)
    }
}
