import CFastCGI
import Foundation

/// One libfcgi request slot, owned by one responder thread. The thread accepts connections
/// itself (with timeouts libfcgi does not have) and hands each one to libfcgi to read.
final class FastCGIConnection {
    private var request = FCGX_Request()
    /// Between `begin` and `finish`: libfcgi frees the parameters when a request finishes.
    private var inProgress = false

    /// libfcgi's process-wide set-up, once per process before the first connection.
    static func startLibrary() throws {
        guard FCGX_Init() == 0 else { throw SocketError("FastCGI library failed to initialise") }
    }

    init() {
        // No listening socket: libfcgi must never accept on its own (and block without a timeout).
        FCGX_InitRequest(&request, -1, 0)
    }

    deinit {
        FCGX_Free(&request, 1)
    }

    /// Reads the request on an accepted connection; false when it is not a valid FastCGI
    /// request (libfcgi has closed the connection then).
    func begin(on descriptor: Int32) -> Bool {
        request.ipcFd = descriptor
        // Stops libfcgi's own "finish the previous request" step from closing the new connection.
        request.keepConnection = 1
        inProgress = FCGX_Accept_r(&request) >= 0
        return inProgress
    }

    /// A FastCGI parameter of the request in progress; nil after `finish`, when they are freed.
    func parameter(_ name: String) -> String? {
        guard inProgress, let value = FCGX_GetParam(name, request.envp) else { return nil }
        return String(cString: value)
    }

    func send(_ response: Response, requestID: String, includeBody: Bool) {
        write(Array(response.headerBlock(requestID: requestID).utf8))
        if includeBody { write(response.body) }
    }

    private func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            // FCGX_PutStr takes an Int32 length: send large bodies in slices.
            while offset < buffer.count {
                let slice = min(buffer.count - offset, 1 << 20)
                let start = buffer.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
                guard FCGX_PutStr(start, Int32(slice), request.out) == Int32(slice) else { return }
                offset += slice
            }
        }
    }

    /// Ends the request and closes the connection, even when nginx asked to keep it.
    func finish() {
        inProgress = false
        FCGX_Finish_r(&request)
        if request.ipcFd >= 0 {
            close(request.ipcFd)
            request.ipcFd = -1
        }
    }
}
