import Foundation
import Testing

/// What an operator reads: `/metrics` (through nginx and on `IMGFORGE_PROMETHEUS_BIND`), one
/// view of the whole pool that survives a worker's death, and one log line per request carrying
/// nginx's request id, in both log formats.
@Suite(.serialized)
struct ObservabilityTests {
    /// Parsed Prometheus text: `name{labels}` → value.
    struct Scrape {
        var values: [String: Double] = [:]

        init(_ text: String) {
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
                values[String(line[..<space])] = value
            }
        }

        subscript(_ series: String) -> Double { values[series] ?? 0 }
    }

    private func scrape(_ stack: ServiceStack) throws -> Scrape {
        let response = try stack.get("/metrics")
        #expect(response.status == 200 && response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true,
                "\(response.status) \(response.text.prefix(200))")
        return Scrape(response.text)
    }

    @Test func metricsAreTheSumOverWorkersAndSurviveAWorkersDeath() throws {
        let prometheusPort = try Sockets.freePort()
        let stack = try ServiceStack(environment: ["IMGFORGE_WORKERS": "2", "IMGFORGE_PROMETHEUS_BIND": "127.0.0.1:\(prometheusPort)"])
        defer { stack.stop() }
        try stack.writeLocal("m.jpg", try TestImage.quadrants(width: 120, height: 80, suffix: ".jpg"))
        let before = try scrape(stack)
        #expect(before["workers_alive"] == 2 && before["image_operation_concurrency_limit"] == 2)

        // Eight misses over two workers, one refusal, one source that is not there.
        let requests = 8
        let answers = concurrently(requests) { index in try? stack.get("/unsafe/rs:fit:\(40 + index):40/plain/local:///m.jpg") }
        #expect(answers.allSatisfy { $0?.status == 200 })
        #expect(try stack.get("/unsafe/rs:fit:-1:0/plain/local:///m.jpg").status == 400)
        #expect(try stack.get("/unsafe/rs:fit:10:10/plain/local:///missing.jpg").status == 404)

        let after = try scrape(stack)
        let served = after[#"status_codes_total{status="200"}"#] - before[#"status_codes_total{status="200"}"#]
        #expect(served == Double(requests), "200s counted: \(served)")
        #expect(after[#"status_codes_total{status="400"}"#] - before[#"status_codes_total{status="400"}"#] == 1)
        #expect(after[#"status_codes_total{status="404"}"#] - before[#"status_codes_total{status="404"}"#] == 1)
        #expect(after[#"processed_images_total{format="jpeg"}"#] - before[#"processed_images_total{format="jpeg"}"#] == Double(requests))
        #expect(after[#"image_processing_duration_seconds_count{format="jpeg"}"#] == after[#"processed_images_total{format="jpeg"}"#])
        #expect(after[#"image_processing_duration_seconds_bucket{format="jpeg",le="+Inf"}"#] == after[#"processed_images_total{format="jpeg"}"#])
        #expect(after["http_requests_duration_seconds_count"] - before["http_requests_duration_seconds_count"] >= Double(requests + 2))
        #expect(after[#"source_images_fetched_total{status="ok"}"#] - before[#"source_images_fetched_total{status="ok"}"#] == Double(requests))
        #expect(after[#"source_images_fetched_total{status="404"}"#] - before[#"source_images_fetched_total{status="404"}"#] == 1)
        #expect(after["process_resident_memory_bytes"] > 10_000_000)
        #expect(after.values.keys.contains("image_operations_waiting"))

        // Kill a worker: its counts stay, its replacement adds to them, the restart is counted by signal.
        let victim = try #require(stack.workerPIDs.first)
        kill(victim, SIGKILL)
        let deadline = Date().addingTimeInterval(5)
        var killed = try scrape(stack)
        while (killed["workers_alive"] != 2 || killed[#"worker_restarts_total{reason="SIGKILL"}"#] == 0) && Date() < deadline {
            usleep(50_000)
            killed = try scrape(stack)
        }
        #expect(killed["workers_alive"] == 2 && !stack.workerPIDs.contains(victim), "replaced")
        #expect(killed[#"status_codes_total{status="200"}"#] == after[#"status_codes_total{status="200"}"#],
                "the dead worker's counts are still in the sum")
        #expect(killed[#"worker_restarts_total{reason="SIGKILL"}"#] - before[#"worker_restarts_total{reason="SIGKILL"}"#] == 1)
        let more = concurrently(4) { index in try? stack.get("/unsafe/rs:fit:\(90 + index):40/plain/local:///m.jpg") }
        #expect(more.allSatisfy { $0?.status == 200 })
        let last = try scrape(stack)
        #expect(last[#"status_codes_total{status="200"}"#] == after[#"status_codes_total{status="200"}"#] + 4)

        // SIGHUP replaces every worker: the counts stay, and a replacement is no death.
        let old = stack.workerPIDs
        stack.signalImgforge(SIGHUP)
        let replacedBy = Date().addingTimeInterval(10)
        while (!stack.workerPIDs.isDisjoint(with: old) || stack.workerPIDs.count != 2) && Date() < replacedBy { usleep(50_000) }
        let reloaded = try scrape(stack)
        #expect(stack.workerPIDs.isDisjoint(with: old), "every worker replaced")
        #expect(reloaded[#"status_codes_total{status="200"}"#] == last[#"status_codes_total{status="200"}"#], "the counts stay across SIGHUP")
        #expect(reloaded[#"worker_restarts_total{reason="SIGKILL"}"#] == 1 && reloaded[#"worker_restarts_total{reason="exited"}"#] == 0)

        // The supervisor's own listener serves the same view.
        let direct = try HTTPTestClient.get(port: prometheusPort, "/metrics")
        #expect(direct.status == 200)
        #expect(Scrape(direct.text)[#"status_codes_total{status="200"}"#] == last[#"status_codes_total{status="200"}"#])
        #expect(try HTTPTestClient.get(port: prometheusPort, "/status").status == 404)
        print("metrics | 2 workers | \(requests) misses + 400 + 404, SIGKILL of one worker, 4 more | status_codes_total{200} "
              + "\(Int(before[#"status_codes_total{status="200"}"#])) → \(Int(after[#"status_codes_total{status="200"}"#])) → "
              + "\(Int(killed[#"status_codes_total{status="200"}"#])) (after the kill) → \(Int(last[#"status_codes_total{status="200"}"#])) | "
              + "restarts{SIGKILL} \(Int(last[#"worker_restarts_total{reason="SIGKILL"}"#]))")
        let excerpt = direct.text.split(separator: "\n").filter {
            $0.hasPrefix("status_codes_total") || $0.hasPrefix("processed_images_total") || $0.hasPrefix("worker_restarts_total")
                || $0.hasPrefix("image_operation") || $0.hasPrefix("http_requests_duration_seconds_count")
                || $0.hasPrefix("source_images_fetched_total") || $0.hasPrefix("workers_alive")
        }
        print("metrics excerpt | " + excerpt.joined(separator: " | "))
    }

    /// Requests nginx has passed on that no worker has taken yet wait in the listening socket's
    /// queue: the kernel's count of them is `image_operations_waiting`.
    @Test(arguments: [ServiceStack.SocketMode.bind, .tcp])
    func waitingRequestsAreTheListeningSocketsQueue(socket: ServiceStack.SocketMode) throws {
        // The supervisor answers /metrics on a socket of its own (beside a unix socket by default; a TCP
        // pool needs IMGFORGE_STATUS_BIND, or a worker would answer, after the requests queued before it).
        var environment = ["IMGFORGE_WORKERS": "1", "IMGFORGE_TIMEOUT": "20"]
        if socket == .tcp { environment["IMGFORGE_STATUS_BIND"] = "127.0.0.1:\(try Sockets.freePort())" }
        let stack = try ServiceStack(environment: environment, socketMode: socket)
        defer { stack.stop() }
        let jpeg = try TestImage.quadrants(width: 100, height: 100, suffix: ".jpg")
        stack.origin.serve("/slow.jpg", .custom { connection in
            usleep(3_000_000)
            connection.sendHead(status: 200, headers: [("Content-Type", "image/jpeg"), ("Content-Length", "\(jpeg.count)")])
            connection.send(jpeg)
        })
        stack.origin.serve("/fast.jpg", .respond(status: 200, contentType: "image/jpeg", body: jpeg))
        // The first request holds the only worker; the next two wait behind it.
        var requests = [Background { Outcome.of(stack, "/unsafe/rs:fit:20:20/plain/\(stack.origin.url("/slow.jpg"))") }]
        #expect(stack.waitForOrigin(["/slow.jpg"]))
        requests += (0..<2).map { index in
            Background { Outcome.of(stack, "/unsafe/rs:fit:\(30 + index):20/plain/\(stack.origin.url("/fast.jpg"))") }
        }
        // Until the first answer (3 s): one request served, two waiting.
        var busiest = try scrape(stack)
        let deadline = Date().addingTimeInterval(2.5)
        while !(busiest["image_operations_active"] == 1 && busiest["image_operations_waiting"] == 2) && Date() < deadline {
            usleep(50_000)
            busiest = try scrape(stack)
        }
        #expect(busiest["image_operations_active"] == 1 && busiest["image_operations_waiting"] == 2,
                "active \(busiest["image_operations_active"]), waiting \(busiest["image_operations_waiting"])")
        for request in requests { #expect(request.wait(timeout: 15)?.status == 200) }
        #expect(try scrape(stack)["image_operations_waiting"] == 0)
        print("waiting | \(socket) socket | 1 worker, a slow request and 2 behind it | active \(Int(busiest["image_operations_active"])), waiting \(Int(busiest["image_operations_waiting"]))")
    }

    /// Without a status socket (a TCP pool without IMGFORGE_STATUS_BIND) a worker renders the same page.
    @Test func aWorkerAnswersMetricsWithoutAStatusSocket() throws {
        let stack = try ServiceStack(environment: ["IMGFORGE_WORKERS": "2"], socketMode: .tcp)
        defer { stack.stop() }
        try stack.writeLocal("w.jpg", try TestImage.quadrants(width: 40, height: 40, suffix: ".jpg"))
        #expect(try stack.get("/unsafe/rs:fit:20:20/plain/local:///w.jpg").status == 200)
        let page = try scrape(stack)
        #expect(page[#"processed_images_total{format="jpeg"}"#] == 1, "\(page.values)")
        #expect(page["workers_alive"] == 2 && page["image_operation_concurrency_limit"] == 2)
        #expect(page.values.keys.contains("image_operations_waiting"), "the queue of a TCP socket, read by a worker")
    }

    @Test func metricsAreForAllowedAddressesAndTheSecret() throws {
        let stack = try ServiceStack(environment: ["IMGFORGE_SECRET": "s3cr3t", "IMGFORGE_METRICS_ALLOW": "10.0.0.0/8"])
        defer { stack.stop() }
        #expect(try stack.get("/metrics", headers: ["Authorization": "Bearer s3cr3t"]).status == 403, "127.0.0.1 is not allowed")
        #expect(try stack.get("/nginx_status", headers: ["Authorization": "Bearer s3cr3t"]).status == 403)
        let open = try ServiceStack(environment: ["IMGFORGE_SECRET": "s3cr3t"])
        defer { open.stop() }
        #expect(try open.get("/metrics").status == 403, "the secret is required")
        let metrics = try open.get("/metrics", headers: ["Authorization": "Bearer s3cr3t"])
        #expect(metrics.status == 200 && metrics.text.contains("image_operation_concurrency_limit"))
        let nginx = try open.get("/nginx_status", headers: ["Authorization": "Bearer s3cr3t"])
        #expect(nginx.status == 200 && nginx.text.contains("Active connections"))
    }

    /// The request line of `id` in the log, waiting for it a moment.
    private func requestLine(_ stack: ServiceStack, id: String) -> String? {
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if let line = stack.imgforgeLog.split(separator: "\n").first(where: { $0.contains(id) && $0.contains("msg") && $0.contains("request")
                && ($0.contains("msg=request ") || $0.contains(#""msg":"request""#)) }) {
                return String(line)
            }
            usleep(20_000)
        }
        return nil
    }

    @Test(arguments: ["logfmt", "json"])
    func oneLinePerRequestWithNginxsRequestID(format: String) throws {
        let stack = try ServiceStack(environment: ["IMGFORGE_LOG_FORMAT": format, "IMGFORGE_LOG_LEVEL": "info",
                                                   "IMGFORGE_KEY": testKey, "IMGFORGE_SALT": testSalt])
        defer { stack.stop() }
        try stack.writeLocal("l.jpg", try TestImage.quadrants(width: 120, height: 80, suffix: ".jpg"))
        let url = try signed("/rs:fit:60:60/plain/local:///l.jpg")
        let response = try stack.get(url)
        #expect(response.status == 200)
        let id = try #require(response.header("X-Request-ID"))
        let line = try #require(requestLine(stack, id: id), "no request line carries the X-Request-ID \(id)")
        let fields: [String: String]
        if format == "json" {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
            fields = object.mapValues { "\($0)" }
        } else {
            fields = Self.logfmt(line)
        }
        let signature = String(url.dropFirst().prefix { $0 != "/" })
        #expect(fields["request_id"] == id && fields["status"] == "200" && fields["method"] == "GET", "\(line)")
        #expect(fields["path"] == "/rs:fit:60:60/plain/local:///l.jpg" && !line.contains(signature), "no signature in the log: \(line)")
        #expect(fields["worker"].flatMap(Int.init) != nil, "\(line)")
        for duration in ["queue_ms", "fetch_ms", "process_ms", "encode_ms", "total_ms"] {
            #expect(fields[duration].flatMap(Double.init) != nil, "\(duration) in \(line)")
        }
        #expect(fields["format"] == "jpeg" && fields["bytes"] != nil && fields["level"] == "info" && fields["time"] != nil, "\(line)")
        print("log line | \(format) | \(line)")

        // A refusal says why.
        let refused = try stack.get("/unsafe/rs:fit:10:10/plain/local:///nowhere.jpg")
        let refusedID = try #require(refused.header("X-Request-ID"))
        let refusedLine = try #require(requestLine(stack, id: refusedID))
        #expect(refusedLine.contains("404") && refusedLine.contains("not found"), "\(refusedLine)")
    }

    /// `key=value` and `key="quoted \" value"` pairs.
    static func logfmt(_ line: String) -> [String: String] {
        var fields: [String: String] = [:]
        var rest = Substring(line)
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " }
            let key = rest.prefix { $0 != "=" }
            rest = rest.dropFirst(key.count + 1)
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                while let character = rest.first, character != "\"" {
                    if character == "\\", let next = rest.dropFirst().first {
                        value.append(next == "n" ? "\n" : next)
                        rest = rest.dropFirst(2)
                    } else {
                        value.append(character)
                        rest = rest.dropFirst()
                    }
                }
                rest = rest.dropFirst()
            } else {
                value = String(rest.prefix { $0 != " " })
                rest = rest.dropFirst(value.count)
            }
            if !key.isEmpty { fields[String(key)] = value }
        }
        return fields
    }
}
