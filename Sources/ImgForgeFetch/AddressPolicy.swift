import Foundation

/// Which network addresses a source may be fetched from: the SSRF guard.
///
/// Checked on the address libcurl is about to connect to (after DNS, on every
/// redirect hop), so neither DNS tricks nor redirects get around it.
public struct AddressPolicy: Sendable, Equatable {
    public var allowLoopback: Bool
    public var allowPrivate: Bool
    public var allowLinkLocal: Bool

    public init(allowLoopback: Bool = false, allowPrivate: Bool = true, allowLinkLocal: Bool = false) {
        self.allowLoopback = allowLoopback
        self.allowPrivate = allowPrivate
        self.allowLinkLocal = allowLinkLocal
    }

    public enum Kind: String, Sendable {
        case loopback, `private`, linkLocal = "link-local", unspecified, multicast, sharedAddressSpace = "shared address space",
             reserved, broadcast, global, cloudMetadata = "cloud metadata"
    }

    /// Why an address is refused, or nil when it may be used.
    public func refusal(_ address: IPAddress) -> Kind? {
        let kind = Self.classify(address)
        switch kind {
        case .global: return nil
        case .loopback: return allowLoopback ? nil : kind
        case .private: return allowPrivate ? nil : kind
        case .linkLocal: return allowLinkLocal ? nil : kind
        default: return kind
        }
    }

    /// Cloud providers' instance metadata services: refused whatever the switches say (they hand
    /// out credentials). AWS, GCP, Azure, OpenStack: 169.254.169.254; AWS ECS: 169.254.170.2;
    /// Alibaba: 100.100.100.200; Oracle: 192.0.0.192; AWS over IPv6: fd00:ec2::254.
    static let metadataV4: [(UInt8, UInt8, UInt8, UInt8)] = [(169, 254, 169, 254), (169, 254, 170, 2), (100, 100, 100, 200), (192, 0, 0, 192)]
    static let metadataV6: [UInt8] = [0xFD, 0x00, 0x0E, 0xC2] + [UInt8](repeating: 0, count: 10) + [0x02, 0x54]

    /// The range an address falls in. IPv6 forms that embed an IPv4 address are judged by it.
    public static func classify(_ address: IPAddress) -> Kind {
        switch address {
        case .v4(let a, let b, let c, let d):
            return classifyV4(a, b, c, d)
        case .v6(let bytes):
            if bytes == metadataV6 { return .cloudMetadata }
            if let embedded = embeddedIPv4(bytes) { return classifyV4(embedded.0, embedded.1, embedded.2, embedded.3) }
            if bytes.allSatisfy({ $0 == 0 }) { return .unspecified }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return .loopback }
            if bytes[0] == 0xFF { return .multicast }
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return .linkLocal }
            if bytes[0] & 0xFE == 0xFC { return .private }
            // Site-local (deprecated) and documentation ranges are never real origins.
            if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return .reserved }
            if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x0D && bytes[3] == 0xB8 { return .reserved }
            return .global
        }
    }

    private static func classifyV4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> Kind {
        if metadataV4.contains(where: { $0 == (a, b, c, d) }) { return .cloudMetadata }
        switch (a, b) {
        case (0, _): return .unspecified
        case (127, _): return .loopback
        case (10, _): return .private
        case (172, 16...31): return .private
        case (192, 168): return .private
        case (169, 254): return .linkLocal
        case (100, 64...127): return .sharedAddressSpace
        case (224...239, _): return .multicast
        case (255, 255) where c == 255 && d == 255: return .broadcast
        case (240...255, _): return .reserved
        default: return .global
        }
    }

    /// IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96),
    /// 6to4 (2002:AABB:CCDD::/48) and Teredo (2001:0::/32, address inverted in the last bytes).
    static func embeddedIPv4(_ bytes: [UInt8]) -> (UInt8, UInt8, UInt8, UInt8)? {
        let last4 = (bytes[12], bytes[13], bytes[14], bytes[15])
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return last4 }
        if bytes[0..<12].allSatisfy({ $0 == 0 }) && !(bytes[12] == 0 && bytes[13] == 0 && bytes[14] == 0) { return last4 }
        if bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xFF && bytes[3] == 0x9B { return last4 }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return (bytes[2], bytes[3], bytes[4], bytes[5]) }
        if bytes[0] == 0x20 && bytes[1] == 0x01 && bytes[2] == 0x00 && bytes[3] == 0x00 {
            return (~bytes[12], ~bytes[13], ~bytes[14], ~bytes[15])
        }
        return nil
    }
}

/// An IPv4 or IPv6 address.
public enum IPAddress: Equatable, Sendable, CustomStringConvertible {
    case v4(UInt8, UInt8, UInt8, UInt8)
    /// 16 bytes, network order.
    case v6([UInt8])

    public var description: String {
        switch self {
        case .v4(let a, let b, let c, let d): "\(a).\(b).\(c).\(d)"
        case .v6(let bytes):
            // The usual compressed form (::1, ::ffff:127.0.0.1).
            bytes.withUnsafeBytes { raw in
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                return inet_ntop(AF_INET6, raw.baseAddress, &text, socklen_t(text.count)).map { String(cString: $0) } ?? "?"
            }
        }
    }
}
