import ArgumentParser
import ImgForgeServer

struct NginxConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nginx-config",
        abstract: "Print the nginx configuration (upstream, maps, server block) for the current IMGFORGE_* environment.",
        discussion: "Include the output inside nginx's http { } block. It serves cache hits without imgforge."
    )

    @Option(help: "What nginx listens on.")
    var listen = "80"

    @Option(help: "The fastcgi_params file to include.")
    var fastcgiParams = "/etc/nginx/fastcgi_params"

    func run() throws {
        let configuration = try ConfigurationLoader.load()
        print(NginxConfig(configuration: configuration, listen: listen, fastcgiParams: fastcgiParams, version: Imgforge.version).render(), terminator: "")
    }
}
