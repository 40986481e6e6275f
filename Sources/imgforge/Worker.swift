import ArgumentParser
import ImgForgeServer
import Logging

/// One process of `serve`'s pool, started by the supervisor with the listening socket on fd 0.
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A worker process of the pool (started by `imgforge serve`, not by hand).",
        shouldDisplay: false
    )

    @Argument(help: "The worker's index in the pool.")
    var index: Int

    func run() throws {
        let configuration = try ConfigurationLoader.load()
        var logger = Serve.bootstrapLogging(configuration)
        logger[metadataKey: "worker"] = "\(index)"
        do {
            try FastCGIServer(configuration: configuration, index: index, logger: logger, version: Imgforge.version).run()
        } catch {
            logger.critical("worker cannot serve: \(error)")
            throw ExitCode.failure
        }
    }
}
