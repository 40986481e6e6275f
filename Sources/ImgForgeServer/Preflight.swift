import Foundation
import ImgForgeCache
import ImgForgeCore
import ImgForgeProcessing

/// What `imgforge serve` would stop on at start, found without starting: `imgforge check` runs
/// it after the configuration itself has been read. Nothing is created or bound for good.
public enum Preflight {
    /// Each problem as one line naming the variable or file concerned; empty when none.
    public static func problems(_ configuration: Configuration) -> [String] {
        var problems: [String] = []
        do {
            try Vips.start()
        } catch {
            problems.append("libvips: \(error)")
        }
        for tier in CacheSetup.tiers(configuration.cache) {
            do {
                try DiskCache.checkPreparable(tier)
            } catch {
                let variable = tier.kind == .memory ? "IMGFORGE_CACHE_MEMORY_PATH" : "IMGFORGE_CACHE_DISK_PATH"
                problems.append("\(variable): \(error)")
            }
        }
        let server = configuration.server
        // The listening socket may come from systemd or spawn-fcgi instead; its address is checked only when bound here.
        var addresses: [(String, BindAddress)] = []
        if ListeningSocket.inherited() == nil { addresses.append(("IMGFORGE_BIND", server.bind)) }
        if let status = server.statusBind { addresses.append(("IMGFORGE_STATUS_BIND", status)) }
        if let metrics = server.prometheusBind { addresses.append(("IMGFORGE_PROMETHEUS_BIND", metrics)) }
        for (variable, address) in addresses {
            if let problem = problem(binding: address) { problems.append("\(variable): \(problem)") }
        }
        return problems
    }

    /// Why `address` could not be bound now, if it could not.
    private static func problem(binding address: BindAddress) -> String? {
        switch address {
        case .tcp:
            do {
                try ListeningSocket.bind(address, backlog: 1).close()
                return nil
            } catch {
                return "cannot listen on \(address): \(error)"
            }
        case .unix(let path):
            let directory = (path as NSString).deletingLastPathComponent
            var info = stat()
            if lstat(path, &info) == 0 && info.st_mode & S_IFMT != S_IFSOCK { return "\(path) exists and is not a socket" }
            guard access(directory, W_OK | X_OK) == 0 else { return "cannot create a socket in \(directory): \(String(cString: strerror(errno)))" }
            guard path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else { return "the socket path is too long: \(path)" }
            return nil
        }
    }
}
