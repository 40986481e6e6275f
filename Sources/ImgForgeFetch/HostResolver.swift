import Foundation

/// The addresses a host name resolves to, for checking a source's destination before a proxy
/// (which resolves it again on its side) is asked to fetch it.
enum HostResolver {
    /// An IP literal stands for itself; an empty answer means the name does not resolve.
    static func addresses(of host: String) -> [IPAddress] {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(bare, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(list) }
        var result: [IPAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let address = current.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    let bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) } }
                    result.append(.v4(bytes[0], bytes[1], bytes[2], bytes[3]))
                case AF_INET6:
                    let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) } }
                    result.append(.v6(bytes))
                default: break
                }
            }
            entry = current.pointee.ai_next
        }
        return result
    }
}
