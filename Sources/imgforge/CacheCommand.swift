import ArgumentParser
import ImgForgeServer

struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Maintain the cache directory.",
        subcommands: [Prune.self]
    )

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove least recently used entries beyond the configured capacity, and unused entries of other settings; never moves what nginx serves."
        )

        func run() throws {
            let configuration = try ConfigurationLoader.load()
            guard let cache = try CacheSetup.make(configuration, version: Imgforge.version, serving: false) else {
                throw ValidationError("no cache is configured (IMGFORGE_CACHE_TYPE)")
            }
            print(cache.prune())
        }
    }
}
