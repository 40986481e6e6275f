import Foundation
import ImgForgeCore

/// The socket imgforge accepts FastCGI connections on.
struct ListeningSocket {
    let descriptor: Int32
    /// Set for a unix socket this process created, removed again at exit.
    let ownedPath: String?
    let description: String

    /// A listening socket handed over: on fd 0 (spawn-fcgi, systemd's `StandardInput=socket`),
    /// or by systemd's own protocol (`LISTEN_PID`/`LISTEN_FDS`, first socket on fd 3). The
    /// variables are cleared so that the workers, which get the socket on fd 0, do not see them.
    static func inherited() -> ListeningSocket? {
        if isListening(0) { return ListeningSocket(descriptor: 0, ownedPath: nil, description: "fd 0") }
        let environment = ProcessInfo.processInfo.environment
        defer { for name in systemdVariables { unsetenv(name) } }
        guard environment["LISTEN_PID"].flatMap({ pid_t($0) }) == getpid(),
              let count = environment["LISTEN_FDS"].flatMap({ Int($0) }), count >= 1, isListening(systemdDescriptor)
        else { return nil }
        _ = fcntl(systemdDescriptor, F_SETFD, FD_CLOEXEC)
        return ListeningSocket(descriptor: systemdDescriptor, ownedPath: nil, description: "systemd socket (fd 3)")
    }

    /// systemd's socket-activation variables: meant for the process systemd started only.
    static let systemdVariables = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"]

    /// Where systemd puts the first socket it passes.
    private static let systemdDescriptor: Int32 = 3

    private static func isListening(_ descriptor: Int32) -> Bool {
        var accepting: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) == 0 && accepting != 0
    }

    static func bind(_ address: BindAddress, backlog: Int32 = 1024) throws -> ListeningSocket {
        switch address {
        case .unix(let path): try bindUnix(path, backlog: backlog)
        case .tcp(let host, let port): try bindTCP(host: host, port: port, backlog: backlog)
        }
    }

    private static func bindUnix(_ path: String, backlog: Int32) throws -> ListeningSocket {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else {
            throw SocketError("unix socket path is longer than \(capacity - 1) bytes: \(path)")
        }
        // A socket file left by an earlier run would make bind fail; anything else is kept.
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK else {
                throw SocketError("\(path) exists and is not a socket")
            }
            unlink(path)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError.errno("socket") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Foundation.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let error = SocketError.errno("bind \(path)")
            Foundation.close(fd)
            throw error
        }
        // nginx's workers connect as another user of the same group.
        chmod(path, 0o660)
        guard listen(fd, backlog) == 0 else {
            let error = SocketError.errno("listen \(path)")
            Foundation.close(fd)
            throw error
        }
        return ListeningSocket(descriptor: fd, ownedPath: path, description: "unix:\(path)")
    }

    private static func bindTCP(host: String, port: Int, backlog: Int32) throws -> ListeningSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw SocketError("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        let fd = socket(first.pointee.ai_family, first.pointee.ai_socktype, first.pointee.ai_protocol)
        guard fd >= 0 else { throw SocketError.errno("socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard Foundation.bind(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0,
              listen(fd, backlog) == 0
        else {
            let error = SocketError.errno("bind \(host):\(port)")
            Foundation.close(fd)
            throw error
        }
        return ListeningSocket(descriptor: fd, ownedPath: nil, description: BindAddress.tcp(host: host, port: port).description)
    }

    /// Where a worker process finds the pool's listening socket.
    static let workerDescriptor: Int32 = 0

    /// Worker threads poll, then accept without blocking, so that a retiring worker notices in
    /// time and several processes can share the socket without the thundering herd blocking them.
    func makeNonBlocking() {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    enum Accepted {
        /// Nothing arrived within the wait (or another thread took it).
        case idle
        case connection(Int32, arrived: UInt64)
        case failed(String)
    }

    /// Accepts on `listening` without letting a silent peer hold the thread: accepted
    /// connections wait here, costing a descriptor, until they have sent something; those
    /// silent for `timeout` seconds are closed. Each responder thread owns one.
    struct Waiter {
        let listening: Int32
        let timeout: Double
        /// How long a new connection may take to send its first bytes before it is parked; the
        /// most a silent peer costs the thread that accepted it.
        static let firstBytesWait = 0.05
        private var waiting: [(descriptor: Int32, arrived: UInt64)] = []

        init(listening: Int32, timeout: Double) {
            self.listening = listening
            self.timeout = timeout
        }

        /// The next connection with data to read, waiting up to `wait` seconds; without
        /// `accepting`, only those accepted before.
        mutating func next(wait: Double, accepting: Bool = true) -> Accepted {
            expireSilent()
            var pollers = [pollfd(fd: accepting ? listening : -1, events: Int16(POLLIN), revents: 0)]
                + waiting.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&pollers, nfds_t(pollers.count), Int32(wait * 1000))
            guard ready > 0 else {
                return ready == 0 || Foundation.errno == EINTR ? .idle : .failed(String(cString: strerror(Foundation.errno)))
            }
            // Data (or a hang-up, which libfcgi reads as a closed connection) on a waiting one.
            if let index = pollers.dropFirst().firstIndex(where: { $0.revents != 0 }) {
                let connection = waiting.remove(at: index - 1)
                return .connection(connection.descriptor, arrived: connection.arrived)
            }
            guard accepting else { return .idle }
            let fd = Foundation.accept(listening, nil, nil)
            guard fd >= 0 else {
                let code = Foundation.errno
                return code == EAGAIN || code == EWOULDBLOCK || code == EINTR || code == ECONNABORTED ? .idle : .failed(String(cString: strerror(code)))
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            // Reads that stall mid-request, and a peer that stops reading the answer, fail in time too.
            var receive = timeval(tv_sec: Int(timeout), tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &receive, socklen_t(MemoryLayout<timeval>.size))
            var send = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send, socklen_t(MemoryLayout<timeval>.size))
            // nginx writes the request right after it connects, but may not have yet: a connection
            // parked at once could wait behind the next one this thread serves while other workers idle.
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, Int32(Self.firstBytesWait * 1000)) > 0 { return .connection(fd, arrived: Deadline.now) }
            waiting.append((fd, Deadline.now))
            return .idle
        }

        /// No accepted connection is waiting for its request.
        var isEmpty: Bool { waiting.isEmpty }

        private mutating func expireSilent() {
            let limit = UInt64(timeout * 1e9)
            let now = Deadline.now
            waiting.removeAll { connection in
                guard now - connection.arrived > limit else { return false }
                Foundation.close(connection.descriptor)
                return true
            }
        }
    }

    /// Stops new connections reaching a unix socket that this process bound; workers still
    /// drain what is already queued on it.
    func unlinkPath() {
        if let ownedPath { unlink(ownedPath) }
    }

    func close() {
        Foundation.close(descriptor)
        if let ownedPath { unlink(ownedPath) }
    }
}

struct SocketError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }

    static func errno(_ what: String) -> SocketError {
        SocketError("\(what): \(String(cString: strerror(Foundation.errno)))")
    }
}
