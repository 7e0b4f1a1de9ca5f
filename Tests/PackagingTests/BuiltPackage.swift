import FootfallTesting
import Foundation

/// The Debian package `make deb` makes, built once for these tests by packaging/build-deb.sh
/// (real dpkg-deb and dpkg-shlibdeps) from the debug binary this test run built, and unpacked:
/// its files under `root`, its control files under `control`.
struct BuiltPackage: Sendable {
    /// The version build-deb.sh gave it: the binary's release and the commit, as `make deb` does.
    let version: String
    let deb: URL
    let root: URL
    let control: URL

    /// Built on a thread of its own: stripping and packing the debug binary takes seconds.
    static let shared = OnItsOwnThread { Result { try BuiltPackage.build() } }

    static var value: BuiltPackage {
        get async throws { try await shared.value.get() }
    }

    private static func build() throws -> BuiltPackage {
        // Under .build, replaced on every run: a package of the debug binary is large.
        let directory = Fixtures.packageRoot.appendingPathComponent(".build/packaging-test")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = Fixtures.packageRoot.appendingPathComponent("packaging/build-deb.sh").path
        // A debug build loads the Swift runtime's shared libraries from the toolchain, which no
        // Debian package provides (make deb links them in); packed with the least compression, as
        // only the layout and the control data are under test.
        let built = try ExternalTool.runBlocking("bash", [
            script, "--binary", FootfallProcess.executable.path, "--out", directory.path,
            "--compression", "gzip", "--fast", "--allow-unpackaged-libraries",
        ])
        guard built.status == 0 else { throw PackagingError("build-deb.sh failed: \(built.errors)\(built.output)") }
        let architecture = try ExternalTool.runBlocking("dpkg", ["--print-architecture"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let made = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".deb") }
        guard made.count == 1, let name = made.first, name.hasPrefix("footfall_"), name.hasSuffix("_\(architecture).deb") else {
            throw PackagingError("build-deb.sh made \(made), not one footfall_<version>_\(architecture).deb")
        }
        let version = String(name.dropFirst("footfall_".count).dropLast("_\(architecture).deb".count))
        let deb = directory.appendingPathComponent(name)
        let root = directory.appendingPathComponent("root"), control = directory.appendingPathComponent("control")
        for (option, folder) in [("-x", root), ("-e", control)] {
            let unpacked = try ExternalTool.runBlocking("dpkg-deb", [option, deb.path, folder.path])
            guard unpacked.status == 0 else { throw PackagingError("dpkg-deb \(option) failed: \(unpacked.errors)") }
        }
        return BuiltPackage(version: version, deb: deb, root: root, control: control)
    }
}

struct PackagingError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
