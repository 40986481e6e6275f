import Foundation
import Testing

/// The deploy kit is checked, not just written: the systemd units verify offline and keep their
/// `systemd-analyze security` exposure at the level doc/security.md states; the container pair, the
/// Kubernetes manifests and the nginx configuration imgforge renders pass their linters (hadolint,
/// kubernetes-validate, nginx -t and gixy, which `make test` installs) and the kit's own structural checks.
struct DeployKitTests {
    /// Runs one of the scripts/check-* scripts; its output, stdout and stderr together.
    private func check(_ script: String, _ arguments: [String] = []) throws -> (status: Int32, text: String) {
        let process = Process()
        process.executableURL = ServiceStack.repository.appendingPathComponent("scripts/\(script)")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func systemdUnitsVerifyAndStayHardened() throws {
        let (status, text) = try check("check-systemd-units")
        print("systemd units | \(text.split(separator: "\n").joined(separator: " | "))")
        // 77: systemd-analyze is missing, which `make test` installs.
        #expect(status == 0, "\(text)")
        #expect(text.contains("Overall exposure level for imgforge.service") && text.contains("OK"), "\(text)")
    }

    @Test func containerPairLintsClean() throws {
        let (status, text) = try check("check-container")
        print("container | \(text.split(separator: "\n").joined(separator: " | "))")
        // 77: hadolint or PyYAML is missing, which `make test` installs into .build-venv.
        #expect(status == 0, "\(text)")
        #expect(text.contains("Dockerfile OK") && text.contains("docker-compose.yml:"), "\(text)")
    }

    @Test func kubernetesManifestsValidate() throws {
        let (status, text) = try check("check-kubernetes")
        print("kubernetes | \(text.split(separator: "\n").joined(separator: " | "))")
        // 77: kubernetes-validate or PyYAML is missing, which `make test` installs into .build-venv.
        #expect(status == 0, "\(text)")
        #expect(text.contains("deployment.yaml passed") && text.contains("manifests together"), "\(text)")
    }

    @Test func renderedNginxConfigurationPassesNginxAndGixy() throws {
        let binary = try ServiceStack.imgforgeBinary().path
        let (status, text) = try check("check-nginx-conf", [binary])
        print("nginx configuration | \(text.split(separator: "\n").joined(separator: " | "))")
        // 77: nginx or gixy is missing, which `make test` installs (gixy into .build-venv).
        #expect(status == 0, "\(text)")
        #expect(text.contains("passed for: no-cache disk-cache disk-cache-secret-rate-limit unix-socket container"), "\(text)")
    }
}
