import Foundation

/// How many connections wait in a listening socket's accept queue: requests nginx has passed on
/// that no worker has taken yet, the pool's `image_operations_waiting`. Linux reports it for a
/// TCP socket in `TCP_INFO`, and for a unix socket only through the sock_diag netlink interface
/// (what `ss` reads). Nil when the kernel will not say (a sandbox without netlink, say).
enum ListenQueue {
    static func length(_ descriptor: Int32) -> Int? {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { return nil }
        switch Int32(address.ss_family) {
        case AF_INET, AF_INET6: return tcpBacklog(descriptor)
        case AF_UNIX: return unixBacklog(descriptor)
        default: return nil
        }
    }

    /// A listening TCP socket's `tcpi_unacked` is its accept queue's length.
    private static func tcpBacklog(_ descriptor: Int32) -> Int? {
        var info = tcp_info()
        var size = socklen_t(MemoryLayout<tcp_info>.size)
        guard getsockopt(descriptor, Int32(IPPROTO_TCP), TCP_INFO, &info, &size) == 0 else { return nil }
        return Int(info.tcpi_unacked)
    }

    // From <linux/netlink.h>, <linux/sock_diag.h> and <linux/unix_diag.h>.
    private static let netlinkSockDiag: Int32 = 4
    private static let sockDiagByFamily: UInt16 = 20
    private static let requestFlag: UInt16 = 1
    private static let errorMessage: UInt16 = 2
    private static let showQueueLengths: UInt32 = 0x10
    private static let queueLengthAttribute: UInt16 = 4
    private static let listenState: UInt32 = 10

    /// Asks sock_diag about the socket's inode; the answer's `UNIX_DIAG_RQLEN` attribute holds
    /// the accept queue's length for a listening socket.
    private static func unixBacklog(_ descriptor: Int32) -> Int? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        let netlink = socket(AF_NETLINK, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), netlinkSockDiag)
        guard netlink >= 0 else { return nil }
        defer { close(netlink) }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(netlink, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        // nlmsghdr (16 bytes), then unix_diag_req (24 bytes).
        var request = [UInt8]()
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { request += $0 } }
        append(UInt32(40))
        append(sockDiagByFamily)
        append(requestFlag)
        append(UInt32(1))
        append(UInt32(0))
        request += [UInt8(AF_UNIX), 0, 0, 0]
        append(UInt32(1) << listenState)
        append(UInt32(truncatingIfNeeded: status.st_ino))
        append(showQueueLengths)
        append(UInt32.max)
        append(UInt32.max)
        guard send(netlink, request, request.count, 0) == request.count else { return nil }

        var answer = [UInt8](repeating: 0, count: 8192)
        let received = recv(netlink, &answer, answer.count, 0)
        guard received >= 36 else { return nil }
        func read16(_ at: Int) -> UInt16 { UInt16(answer[at]) | UInt16(answer[at + 1]) << 8 }
        func read32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(answer[at + $1]) << (8 * $1) } }
        let messageLength = min(Int(read32(0)), received)
        guard read16(4) == sockDiagByFamily, messageLength >= 32 else { return nil }
        // unix_diag_msg is 16 bytes; attributes follow, each 4-byte aligned.
        var offset = 16 + 16
        while offset + 4 <= messageLength {
            let length = Int(read16(offset))
            guard length >= 4 else { return nil }
            if read16(offset + 2) == queueLengthAttribute, length >= 12 { return Int(read32(offset + 4)) }
            offset += (length + 3) & ~3
        }
        return nil
    }
}
