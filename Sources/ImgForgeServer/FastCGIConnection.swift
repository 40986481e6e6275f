import CFastCGI

/// One libfcgi request slot, owned by one responder thread.
final class FastCGIConnection {
    private var request = FCGX_Request()

    init(listeningDescriptor: Int32) {
        FCGX_InitRequest(&request, listeningDescriptor, 0)
    }

    deinit {
        FCGX_Free(&request, 1)
    }

    /// Waits for the next request; false once the listening socket is shut down.
    func accept() -> Bool {
        FCGX_Accept_r(&request) >= 0
    }

    func parameter(_ name: String) -> String? {
        guard let value = FCGX_GetParam(name, request.envp) else { return nil }
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

    func finish() {
        FCGX_Finish_r(&request)
    }
}
