import CCurl
import CShim
import ImgForgeCore

/// A libcurl easy handle, reused for every download of one thread.
final class HTTPClient {
    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    private let settings: FetchSettings
    private let handle: UnsafeMutableRawPointer

    init(settings: FetchSettings) {
        _ = Self.globalInit
        self.settings = settings
        handle = curl_easy_init()!
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    func get(_ url: String) throws -> [UInt8] {
        let body = DownloadBuffer(limit: settings.maxBytes)
        let context = Unmanaged.passRetained(body)
        defer { context.release() }

        curl_easy_reset(handle)
        imgforge_curl_setopt_str(handle, CURLOPT_URL, url)
        imgforge_curl_setopt_str(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        imgforge_curl_setopt_str(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        imgforge_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
        imgforge_curl_setopt_long(handle, CURLOPT_MAXREDIRS, settings.maxRedirects)
        imgforge_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(settings.timeout * 1000))
        imgforge_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        imgforge_curl_setopt_str(handle, CURLOPT_USERAGENT, settings.userAgent)
        if settings.maxBytes > 0 {
            imgforge_curl_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(settings.maxBytes))
        }
        imgforge_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, context.toOpaque())
        imgforge_curl_setopt_write(handle) { data, size, count, userdata in
            let buffer = Unmanaged<DownloadBuffer>.fromOpaque(userdata!).takeUnretainedValue()
            let length = size * count
            // Returning less than `length` makes libcurl abort with CURLE_WRITE_ERROR.
            guard buffer.append(UnsafeRawBufferPointer(start: data, count: length)) else { return 0 }
            return length
        }

        let code = curl_easy_perform(handle)
        var status = 0
        imgforge_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        try Self.check(code, status: status, body: body, url: url)
        return body.bytes
    }

    /// Maps transfer failures and origin statuses to the answers documented for clients.
    private static func check(_ code: CURLcode, status: Int, body: DownloadBuffer, url: String) throws {
        switch code {
        case CURLE_OK:
            break
        case CURLE_FILESIZE_EXCEEDED:
            throw ServiceError(.badRequest, "source too large: over the \(body.limit) byte limit")
        case CURLE_WRITE_ERROR where body.overLimit:
            throw ServiceError(.badRequest, "source too large: over the \(body.limit) byte limit")
        case CURLE_OPERATION_TIMEDOUT:
            throw ServiceError(.gatewayTimeout, "source download timed out")
        case CURLE_UNSUPPORTED_PROTOCOL:
            throw ServiceError(.forbidden, "source not allowed: unsupported protocol")
        case CURLE_TOO_MANY_REDIRECTS:
            throw ServiceError(.badGateway, "origin error: too many redirects")
        default:
            let reason = String(cString: curl_easy_strerror(code))
            throw ServiceError(.badGateway, "origin error: \(reason)")
        }
        switch status {
        case 200..<300:
            return
        case 400..<500:
            throw ServiceError(.notFound, "source not found: origin answered \(status)")
        default:
            throw ServiceError(.badGateway, "origin error: origin answered \(status)")
        }
    }
}

/// Collects a response body up to a limit; lives behind libcurl's `userdata`.
final class DownloadBuffer {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    private(set) var overLimit = false

    init(limit: Int) {
        self.limit = limit
    }

    func append(_ chunk: UnsafeRawBufferPointer) -> Bool {
        if limit > 0 && bytes.count + chunk.count > limit {
            overLimit = true
            return false
        }
        bytes.append(contentsOf: chunk)
        return true
    }
}
