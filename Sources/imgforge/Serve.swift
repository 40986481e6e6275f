import ArgumentParser
import Foundation
import ImgForgeCore
import ImgForgeServer
import Logging

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer FastCGI requests with a supervised pool of worker processes: on fd 0 when it is a listening socket, else on IMGFORGE_BIND."
    )

    func run() throws {
        let configuration = try ConfigurationLoader.load()
        let logger = Self.bootstrapLogging(configuration)
        if configuration.security.signer.keyPairs.isEmpty && !configuration.security.allowUnsigned {
            logger.warning("no IMGFORGE_KEY/IMGFORGE_SALT and IMGFORGE_ALLOW_UNSIGNED is false: every image request will be refused")
        }
        do {
            try Supervisor(configuration: configuration, logger: logger, version: Imgforge.version).run()
        } catch {
            logger.critical("cannot serve: \(error)")
            throw ExitCode.failure
        }
    }
}

extension Serve {
    /// Log lines on standard error, in the configured format and levels; the supervisor and its workers alike.
    static func bootstrapLogging(_ configuration: Configuration) -> Logger {
        LineLogHandler.bootstrap(filter: configuration.server.logFilter, format: configuration.server.logFormat)
        return Logger(label: "imgforge")
    }
}
