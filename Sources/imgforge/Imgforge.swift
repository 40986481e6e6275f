import ArgumentParser

@main
struct Imgforge: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "imgforge",
        abstract: "An imgproxy-compatible image service that answers FastCGI requests from nginx.",
        version: version,
        subcommands: [Serve.self, Worker.self, Check.self, Sign.self, NginxConfigCommand.self, CacheCommand.self],
        defaultSubcommand: Serve.self
    )
}
