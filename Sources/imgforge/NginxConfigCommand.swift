import ArgumentParser
import Foundation
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

    @Option(help: "With a cache: the directory where nginx keeps answers it cannot name a file for (unsigned URLs, /info); nginx's workers write it.")
    var nginxCache = NginxConfig.defaultNginxCache

    @Option(help: "The most nginx keeps there (nginx's size syntax: 500m, 1g).")
    var nginxCacheSize = NginxConfig.defaultNginxCacheSize

    func run() throws {
        let configuration = try ConfigurationLoader.load()
        guard nginxCacheSize.range(of: #"^[0-9]+[kKmMgG]?$"#, options: .regularExpression) != nil else {
            throw ValidationError("--nginx-cache-size: a size such as 500m or 1g")
        }
        guard nginxCache.hasPrefix("/"), !nginxCache.contains(where: { $0 == " " || $0 == ";" || $0 == "\"" || $0 == "{" || $0 == "}" }) else {
            throw ValidationError("--nginx-cache: an absolute path without spaces, quotes, braces or semicolons")
        }
        let config = NginxConfig(configuration: configuration, listen: listen, fastcgiParams: fastcgiParams, nginxCache: nginxCache,
                                 nginxCacheSize: nginxCacheSize, version: Imgforge.version)
        print(config.render(), terminator: "")
    }
}
