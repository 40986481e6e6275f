import CCurl
import CShim
import Foundation
import ImgForgeCore

/// A libcurl easy handle, reused for every download of one thread (connections stay open).
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

    /// Downloads `url`, following redirects itself so that each hop is checked like the first.
    /// `trusted` downloads (the configured S3 endpoint) skip the address guard and allow-list.
    /// The whole request's `requestDeadline` cuts the download short too: then the answer is its 503.
    /// `maxBytes` bounds the body (0: no limit).
    func get(_ url: String, headers: [String] = [], awsSigV4: (provider: String, credentials: String)? = nil, trusted: Bool = false,
             maxBytes: Int, requestDeadline: Deadline? = nil) throws -> [UInt8] {
        // Which limit binds is decided before the download: curl's timer may fire a moment
        // before our clock says the request's deadline has passed.
        let remaining = requestDeadline?.remainingSeconds ?? .infinity
        let requestBudgetBinds = remaining < settings.timeout
        do {
            return try download(url, budget: min(settings.timeout, remaining), maxBytes: maxBytes,
                                headers: headers, awsSigV4: awsSigV4, trusted: trusted)
        } catch let error as ServiceError where error.kind == .gatewayTimeout {
            if let requestDeadline, requestBudgetBinds || requestDeadline.hasPassed { throw requestDeadline.error }
            throw error
        }
    }

    private func download(_ url: String, budget: Double, maxBytes: Int, headers: [String], awsSigV4: (provider: String, credentials: String)?,
                          trusted: Bool) throws -> [UInt8] {
        let deadline = ContinuousClock.now + .milliseconds(Int(budget * 1000))
        var current = url
        var hops = 0
        while true {
            if !trusted { try checkAllowed(current) }
            // Through a proxy the only connection is to the proxy, which the operator chose: the
            // destination's addresses are checked here instead, before the proxy is asked.
            let proxy = trusted ? nil : settings.proxy
            if proxy != nil { try checkDestination(current) }
            let transfer = Transfer(limit: maxBytes, policy: trusted || proxy != nil ? nil : settings.addressPolicy)
            let milliseconds = max(1, Int((deadline - ContinuousClock.now) / .milliseconds(1)))
            let (code, status, location) = perform(current, transfer: transfer, proxy: proxy, timeoutMilliseconds: milliseconds,
                                                   headers: headers, awsSigV4: awsSigV4)
            try Self.check(code, transfer: transfer, url: current)
            if (300..<400).contains(status), let location {
                hops += 1
                guard hops <= settings.maxRedirects else {
                    throw ServiceError(.badGateway, "origin error: more than \(settings.maxRedirects) redirects")
                }
                let lower = location.lowercased()
                guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
                    throw ServiceError(.forbidden, "source not allowed: redirect to an unsupported scheme")
                }
                current = location
                continue
            }
            switch status {
            case 200..<300:
                return transfer.bytes
            case 400..<500:
                throw ServiceError(.notFound, "source not found: origin answered \(status)")
            default:
                throw ServiceError(.badGateway, "origin error: origin answered \(status)")
            }
        }
    }

    private func checkAllowed(_ url: String) throws {
        guard settings.allowedSources.allows(url) else {
            throw ServiceError(.forbidden, "source not allowed: \(url) is not in IMGFORGE_ALLOWED_SOURCES")
        }
    }

    /// Every address the URL's host resolves to must pass the address guard.
    private func checkDestination(_ url: String) throws {
        guard let host = URLComponents(string: url)?.host, !host.isEmpty else {
            throw ServiceError(.badRequest, "invalid source URL: no host")
        }
        let addresses = HostResolver.addresses(of: host)
        guard !addresses.isEmpty else {
            throw ServiceError(.badGateway, "origin error: the source could not be fetched", detail: "\(host) does not resolve")
        }
        for address in addresses {
            if let kind = settings.addressPolicy.refusal(address) {
                throw ServiceError(.forbidden, "source not allowed: \(kind.rawValue) address \(address)")
            }
        }
    }

    private func perform(_ url: String, transfer: Transfer, proxy: String?, timeoutMilliseconds: Int, headers: [String],
                         awsSigV4: (provider: String, credentials: String)?) -> (CURLcode, Int, String?) {
        let context = Unmanaged.passRetained(transfer)
        defer { context.release() }
        curl_easy_reset(handle)
        imgforge_curl_setopt_str(handle, CURLOPT_URL, url)
        imgforge_curl_setopt_str(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        imgforge_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        imgforge_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeoutMilliseconds)
        imgforge_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        imgforge_curl_setopt_str(handle, CURLOPT_USERAGENT, settings.userAgent)
        // http_proxy, HTTPS_PROXY, ALL_PROXY and NO_PROXY from the environment would route around the
        // address guard (it would only see the proxy's address): only IMGFORGE_PROXY is used.
        imgforge_curl_setopt_str(handle, CURLOPT_PROXY, proxy ?? "")
        imgforge_curl_setopt_str(handle, CURLOPT_NOPROXY, proxy == nil ? "*" : "")
        if transfer.limit > 0 {
            // Refuses at once when the origin declares a larger body.
            imgforge_curl_setopt_off(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(transfer.limit))
        }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for header in headers { headerList = curl_slist_append(headerList, header) }
        defer { curl_slist_free_all(headerList) }
        if let headerList { imgforge_curl_setopt_ptr(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList)) }
        if let awsSigV4 {
            imgforge_curl_setopt_str(handle, CURLOPT_AWS_SIGV4, awsSigV4.provider)
            imgforge_curl_setopt_str(handle, CURLOPT_USERPWD, awsSigV4.credentials)
        }
        imgforge_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, context.toOpaque())
        imgforge_curl_setopt_write(handle) { data, size, count, userdata in
            let transfer = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
            let length = size * count
            // Returning less than `length` makes libcurl abort with CURLE_WRITE_ERROR.
            guard transfer.append(UnsafeRawBufferPointer(start: data, count: length)) else { return 0 }
            return length
        }
        imgforge_curl_setopt_ptr(handle, CURLOPT_OPENSOCKETDATA, context.toOpaque())
        imgforge_curl_setopt_opensocket(handle) { clientp, _, address in
            let transfer = Unmanaged<Transfer>.fromOpaque(clientp!).takeUnretainedValue()
            guard let address else { return CURL_SOCKET_BAD }
            return transfer.mayConnect(to: address) ? imgforge_curl_open_socket(address) : CURL_SOCKET_BAD
        }

        let code = curl_easy_perform(handle)
        var status = 0
        imgforge_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        var location: UnsafeMutablePointer<CChar>?
        imgforge_curl_getinfo_string(handle, CURLINFO_REDIRECT_URL, &location)
        return (code, status, location.map { String(cString: $0) })
    }

    /// Maps transfer failures to the answers documented in doc/errors.md.
    private static func check(_ code: CURLcode, transfer: Transfer, url: String) throws {
        if let refused = transfer.refusedAddress {
            throw ServiceError(.forbidden, "source not allowed: \(refused.kind.rawValue) address \(refused.address)")
        }
        switch code {
        case CURLE_OK:
            return
        case CURLE_FILESIZE_EXCEEDED:
            throw ServiceError(.badRequest, "source too large: over the \(transfer.limit) byte limit")
        case CURLE_WRITE_ERROR where transfer.overLimit:
            throw ServiceError(.badRequest, "source too large: over the \(transfer.limit) byte limit")
        case CURLE_OPERATION_TIMEDOUT:
            throw ServiceError(.gatewayTimeout, "source download timed out")
        case CURLE_UNSUPPORTED_PROTOCOL:
            // Schemes are checked before libcurl runs: what it calls an unsupported protocol is an
            // answer that is not HTTP (an HTTP/0.9 reply or garbage).
            throw ServiceError(.badGateway, "origin error: the origin's answer is not HTTP", detail: String(cString: curl_easy_strerror(code)))
        default:
            // One text for every way of not reaching an origin: which hosts and ports answer is not the
            // client's to learn (the log has libcurl's reason).
            throw ServiceError(.badGateway, "origin error: the source could not be fetched", detail: String(cString: curl_easy_strerror(code)))
        }
    }
}

/// One request's state behind libcurl's `userdata` pointers: the body and the address check.
final class Transfer {
    let limit: Int
    let policy: AddressPolicy?
    private(set) var bytes: [UInt8] = []
    private(set) var overLimit = false
    private(set) var refusedAddress: (address: IPAddress, kind: AddressPolicy.Kind)?

    init(limit: Int, policy: AddressPolicy?) {
        self.limit = limit
        self.policy = policy
    }

    func append(_ chunk: UnsafeRawBufferPointer) -> Bool {
        if limit > 0 && bytes.count + chunk.count > limit {
            overLimit = true
            return false
        }
        bytes.append(contentsOf: chunk)
        return true
    }

    /// Called by libcurl before each new connection, with the resolved address.
    func mayConnect(to address: UnsafeMutablePointer<curl_sockaddr>) -> Bool {
        guard let policy else { return true }
        var raw = [UInt8](repeating: 0, count: 16)
        let length = imgforge_curl_sockaddr_bytes(address, &raw)
        let ip: IPAddress
        switch length {
        case 4: ip = .v4(raw[0], raw[1], raw[2], raw[3])
        case 16: ip = .v6(raw)
        default:
            return false
        }
        if let kind = policy.refusal(ip) {
            refusedAddress = (ip, kind)
            return false
        }
        return true
    }
}
