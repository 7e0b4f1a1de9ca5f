import FootfallTesting
import Foundation
import Testing

/// The Debian package, checked as Debian's own tools see it: dpkg-deb for its files and control
/// data, lintian for policy, systemd-analyze for the unit.
@Suite struct DebianPackageTests {
    /// `dpkg-deb -c`: path → (mode, owner).
    func contents(_ package: BuiltPackage) async throws -> [String: (mode: String, owner: String)] {
        let listed = try await ExternalTool.run("dpkg-deb", ["-c", package.deb.path])
        #expect(listed.status == 0, "\(listed.errors)")
        var entries: [String: (mode: String, owner: String)] = [:]
        for line in listed.output.split(separator: "\n") {
            // -rwxr-xr-x root/root   1234 2025-12-04 12:00 ./usr/bin/footfall
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6 else { continue }
            let path = String(fields[5].dropFirst())
            entries[path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path] = (String(fields[0]), String(fields[1]))
        }
        return entries
    }

    @Test func theBinaryUnitDefaultsDocsAndExamplesAreWhereDebianPutsThemOwnedByRoot() async throws {
        let package = try await BuiltPackage.value
        let entries = try await contents(package)
        let expected: [String: String] = [
            "/usr/bin/footfall": "-rwxr-xr-x",
            "/lib/systemd/system/footfall.service": "-rw-r--r--",
            // It may hold a broker's password: root's alone (systemd reads it as root).
            "/etc/default/footfall": "-rw-------",
            "/usr/share/doc/footfall/copyright": "-rw-r--r--",
            "/usr/share/doc/footfall/changelog.gz": "-rw-r--r--",
            "/usr/share/doc/footfall/README.md.gz": "-rw-r--r--",
            "/usr/share/doc/footfall/docs/configuration.md.gz": "-rw-r--r--",
            "/usr/share/doc/footfall/docs/api.md.gz": "-rw-r--r--",
            "/usr/share/doc/footfall/calibration/README.md": "-rw-r--r--",
            "/usr/share/doc/footfall/calibration/demo-store/store.yaml": "-rw-r--r--",
            "/usr/share/doc/footfall/calibration/kolakowski-flat/survey.csv": "-rw-r--r--",
        ]
        for (path, mode) in expected {
            let entry = try #require(entries[path], "\(path) is not in the package")
            #expect(entry.mode == mode, "\(path)")
        }
        #expect(entries.values.allSatisfy { $0.owner == "root/root" }, "every file root's: the service's user is made by postinst")
        // The store's configuration and data are made on the gateway (postinst, footfall init,
        // the daemon), never shipped: an upgrade cannot overwrite them.
        #expect(entries.keys.filter { $0.hasPrefix("/etc/") && $0 != "/etc" }.sorted() == ["/etc/default", "/etc/default/footfall"])
        #expect(!entries.keys.contains { $0.hasPrefix("/var") })
        // The binary is stripped, as dh_strip would: no debugging sections left.
        let sections = try await ExternalTool.run("readelf", ["-S", "-W", package.root.appendingPathComponent("usr/bin/footfall").path])
        #expect(sections.status == 0)
        #expect(!sections.output.contains(".debug_info"))
    }

    @Test func dependsNamesTheRuntimeLibraryPackagesWithVersions() async throws {
        let package = try await BuiltPackage.value
        let fields = try await ExternalTool.run("dpkg-deb", ["-f", package.deb.path, "Package", "Version", "Architecture", "Depends"])
        #expect(fields.status == 0, "\(fields.errors)")
        let field = Dictionary(uniqueKeysWithValues: fields.output.split(separator: "\n").compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        })
        #expect(field["Package"] == "footfall")
        #expect(field["Version"] == package.version)
        // The binary's release, then the commit (`make deb` gives no --version).
        let release = try await FootfallProcess.run(["--version"])
        #expect(release.status == 0)
        let releaseLine = release.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!releaseLine.isEmpty && package.version.hasPrefix("\(releaseLine)~git"), "\(package.version) against \(releaseLine)")
        let architecture = try await ExternalTool.run("dpkg", ["--print-architecture"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(field["Architecture"] == architecture)
        let depends = try #require(field["Depends"]).components(separatedBy: ", ")
        let names = depends.map { String($0.prefix { $0 != " " }) }
        // The C libraries the capture and storage modules link (libpcap0.8t64 from Debian 13).
        for library in ["libbluetooth3", "libsqlite3-0", "libc6"] {
            #expect(names.contains(library), "Depends: \(depends)")
        }
        #expect(names.contains { $0.hasPrefix("libpcap0.8") }, "Depends: \(depends)")
        #expect(names.contains("adduser"), "postinst makes the footfall user with adduser")
        // Each library at the version its symbols need, as dpkg-shlibdeps works it out.
        #expect(depends.filter { $0.hasPrefix("lib") }.allSatisfy { $0.contains("(>= ") }, "\(depends)")
        #expect(!names.contains { $0.contains("swift") })
    }

    @Test func maintainerScriptsMakeTheUserAndFoldersAndOnlyPurgeRemovesThem() async throws {
        let package = try await BuiltPackage.value
        let info = try await ExternalTool.run("dpkg-deb", ["-I", package.deb.path])
        #expect(info.status == 0, "\(info.errors)")
        for script in ["postinst", "prerm", "postrm"] {
            // " 1234 bytes,    45 lines   *  postinst             #!/bin/sh"
            let line = info.output.split(separator: "\n").first { $0.contains(" \(script) ") }
            #expect(line?.contains("*") == true, "\(script) is listed as executable: \(info.output)")
            let path = package.control.appendingPathComponent(script).path
            let syntax = try await ExternalTool.run("sh", ["-n", path])
            #expect(syntax.status == 0, "\(script): \(syntax.errors)")
        }
        // Upgrades and `apt remove` keep what dpkg knows as configuration.
        let conffiles = try String(contentsOf: package.control.appendingPathComponent("conffiles"), encoding: .utf8)
        #expect(conffiles == "/etc/default/footfall\n")
        let postinst = try String(contentsOf: package.control.appendingPathComponent("postinst"), encoding: .utf8)
        #expect(postinst.contains("adduser --system --group --quiet --home /var/lib/footfall --no-create-home footfall"))
        #expect(postinst.contains("own_folder root footfall 2750 /etc/footfall"), "the store file readable by the service's group only")
        #expect(postinst.contains("own_folder footfall footfall 0750 /var/lib/footfall"))
        #expect(postinst.contains("deb-systemd-helper enable 'footfall.service'"))
        // Removal keeps the configuration, the data and the user; purge takes them all.
        let postrm = try String(contentsOf: package.control.appendingPathComponent("postrm"), encoding: .utf8)
        let purge = try #require(postrm.range(of: #"if [ "$1" = purge ]; then"#))
        let removal = postrm[..<purge.lowerBound]
        #expect(!removal.contains("rm -rf") && !removal.contains("userdel"))
        let purging = postrm[purge.upperBound...]
        #expect(purging.contains("rm -rf /etc/footfall /var/lib/footfall"))
        #expect(purging.contains("userdel footfall") && purging.contains("groupdel footfall"))
        #expect(purging.contains("deb-systemd-helper purge 'footfall.service'"))
    }

    @Test func lintianFindsNoErrors() async throws {
        let package = try await BuiltPackage.value
        // The debug binary's RUNPATH names the toolchain's Swift runtime (make deb's release build
        // links it in and has none); every other error lintian knows counts.
        let lintian = try await ExternalTool.run("lintian", [
            "--fail-on", "error", "--suppress-tags", "custom-library-search-path", "--tag-display-limit", "0", package.deb.path,
        ])
        #expect(lintian.status == 0, "\(lintian.output)\(lintian.errors)")
        #expect(!lintian.output.split(separator: "\n").contains { $0.hasPrefix("E:") }, "\(lintian.output)")
    }

    @Test func systemdAnalyzeVerifiesTheUnitAndRatesItsSandbox() async throws {
        let package = try await BuiltPackage.value
        // systemd-analyze reads the unit from the unpacked package, with the targets it names
        // (multi-user.target, network-online.target, …) from this machine's systemd.
        let units = package.root.appendingPathComponent("lib/systemd/system")
        for target in try FileManager.default.contentsOfDirectory(atPath: "/lib/systemd/system")
        where !FileManager.default.fileExists(atPath: units.appendingPathComponent(target).path) {
            try? FileManager.default.copyItem(atPath: "/lib/systemd/system/\(target)", toPath: units.appendingPathComponent(target).path)
        }
        // And the commands it runs that the system has (ExecReload's /bin/kill).
        let bin = package.root.appendingPathComponent("bin")
        try? FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try? FileManager.default.copyItem(atPath: "/bin/kill", toPath: bin.appendingPathComponent("kill").path)
        let verified = try await ExternalTool.run("systemd-analyze", ["verify", "--root=\(package.root.path)", "footfall.service"])
        // verify warns about an unknown key or a bad value and still exits 0: no output is the pass.
        #expect(verified.status == 0, "\(verified.errors)")
        #expect(verified.output.isEmpty && verified.errors.isEmpty, "\(verified.output)\(verified.errors)")
        // systemd's own rating of the sandbox: 2.4 of 10 measured ("OK"; 10 is an unsandboxed
        // root service); --threshold counts in tenths.
        let security = try await ExternalTool.run("systemd-analyze", [
            "security", "--offline=yes", "--threshold=30", "--root=\(package.root.path)", "footfall.service",
        ])
        #expect(security.status == 0, "\(security.output)\(security.errors)")
    }
}
