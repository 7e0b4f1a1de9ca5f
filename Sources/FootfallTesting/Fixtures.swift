import Foundation

/// Paths of the repository's fixtures, found from this file's location so tests run from any
/// working directory.
public enum Fixtures {
    /// The package root (the directory holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `../shared/datasets` beside the repository: real recordings made by others.
    public static var datasets: URL {
        packageRoot.deletingLastPathComponent().appendingPathComponent("shared/datasets")
    }

    public static func dataset(_ relative: String) -> URL { datasets.appendingPathComponent(relative) }

    /// `calibration/<store>/store.yaml` in the repository.
    public static func store(_ name: String) -> URL {
        packageRoot.appendingPathComponent("calibration/\(name)/store.yaml")
    }

    /// The demo store's file up to its `sources:` section: its layout and settings, for a test
    /// to append sources and sinks of its own.
    public static func demoStoreWithoutSources() throws -> String {
        let full = try String(contentsOfFile: store("demo-store").path, encoding: .utf8)
        return String(full[..<(full.range(of: "\nsources:")?.lowerBound ?? full.endIndex)])
    }

    /// A fresh temporary directory, removed by the caller when done.
    public static func temporaryDirectory(_ label: String = "footfall") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
