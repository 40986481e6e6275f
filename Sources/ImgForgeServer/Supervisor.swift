import Foundation
import ImgForgeCache
import ImgForgeCore
import CoreMetrics
import Logging

/// `imgforge serve`: owns the listening socket and keeps a pool of worker processes accepting
/// on it, the way php-fpm does. A worker that dies costs only what it was serving: the
/// supervisor logs the signal and that request, and starts a replacement at once (with
/// back-off when new workers keep dying). SIGTERM/SIGINT drain the pool and exit; SIGHUP
/// replaces the workers one by one.
public final class Supervisor {
    private let configuration: Configuration
    private let logger: Logger
    private let version: String
    private let executable: String

    private var socket: ListeningSocket!
    private var scoreboard: Scoreboard!
    private var board: MetricsBoard!
    /// The supervisor's own series (restarts, kills, the pool's size), in its region of the board.
    private var metrics: BoardMetricsFactory!
    private var status: PoolStatus?
    private var prometheus: MetricsListener?
    /// The current worker of each index.
    private var workers: [Int: WorkerProcess] = [:]
    /// Workers asked to finish and exit (recycled or replaced), until they have.
    private var retiring: [pid_t: WorkerProcess] = [:]
    /// Indexes waiting for a replacement, with the time it is due.
    private var respawnAt: [Int: UInt64] = [:]
    /// Consecutive quick deaths of each index, for the back-off.
    private var quickDeaths: [Int: Int] = [:]
    private var replacements: [Int] = []
    /// Workers killed for overstaying their deadline, until they are reaped.
    private var overdue: Set<pid_t> = []
    /// Scoreboard slots that looked overdue on the last turn, with the arrival time they showed.
    private var overdueSuspects: [Int: UInt64] = [:]
    private var restarts = 0

    public init(configuration: Configuration, logger: Logger, version: String) {
        self.configuration = configuration
        self.logger = logger
        self.version = version
        executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    public func run() throws {
        ShutdownSignals.block()
        // What this start runs with, secrets masked: the first thing to read when a setting seems ignored.
        logger.info("configuration", metadata: Logger.Metadata(uniqueKeysWithValues: configuration.summary.map { ($0.variable, .string($0.value)) }))
        socket = try ListeningSocket.inherited() ?? ListeningSocket.bind(configuration.server.bind)
        socket.makeNonBlocking()
        let server = configuration.server
        scoreboard = try Scoreboard.create(slotCount: server.workerProcesses * server.workerThreads)
        board = try MetricsBoard.create(workers: server.workerProcesses)
        metrics = BoardMetricsFactory(board: board, region: MetricsBoard.supervisorRegion)
        Gauge(label: "workers_configured", factory: metrics).record(server.workerProcesses)
        let page = MetricsPage(board: board, scoreboard: scoreboard, listening: socket.descriptor, server: server, version: version)
        if let address = server.statusBind {
            try FastCGIConnection.startLibrary()
            do {
                status = PoolStatus(socket: try ListeningSocket.bind(address, backlog: 64), scoreboard: scoreboard, metrics: page,
                                    security: configuration.security)
            } catch {
                throw SocketError("cannot listen for /status on \(address) (IMGFORGE_STATUS_BIND): \(error)")
            }
        }
        if let address = server.prometheusBind {
            do {
                prometheus = MetricsListener(socket: try ListeningSocket.bind(address, backlog: 64), page: page)
            } catch {
                throw SocketError("cannot listen for /metrics on \(address) (IMGFORGE_PROMETHEUS_BIND): \(error)")
            }
        }
        // The cache is prepared once, here; workers only use it, and one janitor serves the pool.
        let tally = CacheWriteTally(scoreboard: scoreboard, workers: server.workerProcesses, threadsPerWorker: server.workerThreads)
        let janitor = try CacheSetup.make(configuration, version: version).map { cache in
            CacheJanitor(cache: cache, interval: 60, written: tally.total) { [logger] report in
                logger.info("cache pruned", metadata: ["report": "\(report)"])
            }
        }
        for index in 0..<server.workerProcesses { try spawn(index) }
        let tiers = CacheSetup.tiers(configuration.cache).map { "\($0.kind.rawValue):\($0.root)" }
        logger.info("imgforge \(version) listening", metadata: [
            "on": "\(socket.description)", "worker_processes": "\(server.workerProcesses)",
            "threads_per_worker": "\(server.workerThreads)", "queue": "\(server.queueSize)", "timeout": "\(server.timeout)s",
            "status": "\(status?.address ?? "answered by the workers")",
            "metrics": "\(prometheus.map { "\($0.address) and /metrics" } ?? "/metrics")",
            "cache": "\(tiers.isEmpty ? "none" : tiers.joined(separator: ","))",
        ])
        publish()
        status?.start()
        prometheus?.start()
        janitor?.start()
        let signal = supervise()
        janitor?.stop()
        drain(after: signal)
    }

    private func spawn(_ index: Int) throws {
        let worker = try WorkerProcess.spawn(index: index, executable: executable, listening: socket.descriptor, scoreboard: scoreboard.descriptor,
                                             metrics: board.descriptor)
        workers[index] = worker
        logger.debug("worker started", metadata: ["worker": "\(index)", "pid": "\(worker.pid)"])
    }

    /// Runs until a stop signal, which it returns.
    private func supervise() -> Int32 {
        while true {
            let signal = ShutdownSignals.wait(timeout: 0.1)
            reap()
            switch signal {
            case SIGTERM, SIGINT:
                return signal!
            case SIGHUP:
                logger.info("replacing workers (SIGHUP)")
                replacements = workers.keys.sorted()
            default:
                break
            }
            killOverdue()
            replaceNext()
            respawnDue()
            publish()
        }
    }

    /// How long past its deadline a request may keep its worker before the supervisor kills it:
    /// libvips checks the deadline only between tiles, so a worker stuck inside one C call (or
    /// stopped) would otherwise hold its place in the pool for good.
    static let overdueGrace = 5.0

    /// Kills each worker still serving a request `IMGFORGE_TIMEOUT` plus the grace after it
    /// arrived; `reap` then logs it, with that request, and replaces it like any dead worker.
    /// The scoreboard is read while workers write it: a slot must look overdue, with the same
    /// arrival time, on two turns in a row before its worker is killed.
    private func killOverdue() {
        let server = configuration.server
        let limit = UInt64((server.timeout + Self.overdueGrace) * 1e9)
        let now = Deadline.now
        var seen: [Int: UInt64] = [:]
        for (index, worker) in workers where !overdue.contains(worker.pid) {
            for thread in 0..<server.workerThreads {
                let slot = index * server.workerThreads + thread
                guard let entry = scoreboard.entry(slot), now > entry.since, now - entry.since > limit else { continue }
                seen[slot] = entry.since
                guard overdueSuspects[slot] == entry.since else { continue }
                logger.error("killing a worker busy past its deadline", metadata: [
                    "worker": "\(index)", "pid": "\(worker.pid)", "serving": "\(entry.text)",
                    "seconds": "\(Double(now - entry.since) / 1e9)",
                ])
                kill(worker.pid, SIGKILL)
                overdue.insert(worker.pid)
                Counter(label: "worker_deadline_kills_total", factory: metrics).increment()
                break
            }
        }
        overdueSuspects = seen
    }

    /// What `/status` reports, refreshed on every turn of the supervision loop.
    private func publish() {
        status?.publish(PoolView(configured: configuration.server.workerProcesses, alive: workers.count, restarts: restarts))
        Gauge(label: "workers_alive", factory: metrics).record(workers.count)
        Gauge(label: "process_resident_memory_bytes", factory: metrics).record(ProcessMemory.residentBytes() ?? 0)
    }

    /// One replacement at a time: the old worker finishes what it serves while its successor
    /// already accepts.
    private func replaceNext() {
        guard retiring.isEmpty, let index = replacements.first else { return }
        replacements.removeFirst()
        guard let old = workers[index] else { return }
        retiring[old.pid] = old
        kill(old.pid, ShutdownSignals.retire)
        do { try spawn(index) } catch { scheduleRespawn(index, delay: 1) }
    }

    private func reap() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { return }
            let exit = ExitStatus(raw: status)
            overdue.remove(pid)
            if let old = retiring.removeValue(forKey: pid) {
                logger.debug("worker replaced", metadata: ["worker": "\(old.index)", "pid": "\(pid)", "how": "\(exit)"])
                continue
            }
            guard let (index, worker) = workers.first(where: { $0.value.pid == pid }) else { continue }
            workers[index] = nil
            restarts += 1
            Counter(label: "worker_restarts_total", dimensions: [("reason", exit.reason)], factory: metrics).increment()
            if exit.isClean {
                // It retired itself (request count or memory): replace it at once.
                quickDeaths[index] = 0
                logger.info("worker recycled", metadata: ["worker": "\(index)", "pid": "\(pid)", "after_seconds": "\(Int(worker.age))"])
                scheduleRespawn(index, delay: 0)
                continue
            }
            let threads = configuration.server.workerThreads
            let lost = (0..<threads).compactMap { scoreboard.get(index * threads + $0) }
            for slot in 0..<threads { scoreboard.set(index * threads + slot, nil) }
            logger.error("worker died", metadata: [
                "worker": "\(index)", "pid": "\(pid)", "how": "\(exit)",
                "serving": "\(lost.isEmpty ? "nothing" : lost.joined(separator: "; "))",
            ])
            // A worker that dies young again and again (broken setting, missing library) is
            // restarted ever more slowly, up to 10 s apart; one killed by a request comes back at once.
            let quick = worker.age < 1 ? (quickDeaths[index] ?? 0) + 1 : 0
            quickDeaths[index] = quick
            scheduleRespawn(index, delay: quick == 0 ? 0 : min(10, 0.1 * pow(2, Double(quick - 1))))
        }
    }

    private func scheduleRespawn(_ index: Int, delay: Double) {
        respawnAt[index] = Deadline.now + UInt64(delay * 1e9)
    }

    private func respawnDue() {
        let now = Deadline.now
        for (index, due) in respawnAt where due <= now {
            respawnAt[index] = nil
            do {
                try spawn(index)
            } catch {
                logger.error("cannot start a worker", metadata: ["worker": "\(index)", "error": "\(error)"])
                scheduleRespawn(index, delay: 1)
            }
        }
    }

    /// Stops new connections, lets every worker finish what it has (including what already
    /// waits on the socket), and exits.
    private func drain(after signal: Int32) {
        let started = ContinuousClock.now
        logger.info("stopping", metadata: ["signal": "\(ExitStatus.name(signal))"])
        socket.unlinkPath()
        status?.stop()
        prometheus?.stop()
        let all = Array(workers.values) + Array(retiring.values)
        for worker in all { kill(worker.pid, SIGTERM) }
        var alive = Set(all.map(\.pid))
        // A request in flight has at most IMGFORGE_TIMEOUT left; past that and a grace, kill.
        let limit = Deadline.after(seconds: configuration.server.timeout + Self.overdueGrace)
        while !alive.isEmpty {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid > 0 {
                alive.remove(pid)
            } else if limit.hasPassed {
                for pid in alive { kill(pid, SIGKILL) }
                logger.warning("workers killed after the drain timeout", metadata: ["count": "\(alive.count)"])
                while waitpid(-1, &status, 0) > 0 {}
                break
            } else {
                usleep(5_000)
            }
        }
        socket.close()
        logger.info("stopped", metadata: ["after": "\(ContinuousClock.now - started)", "restarts": "\(restarts)"])
    }
}
