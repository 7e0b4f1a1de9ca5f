import ArgumentParser
import FootfallCore
import Foundation
import Positioning

/// `--store`: a store's name (its folder under calibration/), its folder, or its store.yaml.
struct StoreOption: ParsableArguments {
    @Option(name: .long, help: "The store: a name under calibration/, a folder, or a store.yaml path.")
    var store: String

    var path: String { Self.path(for: store) }

    /// A store's name, folder or store.yaml, as the path of its store.yaml.
    static func path(for store: String) -> String {
        if store.hasSuffix(".yaml") || store.hasSuffix(".yml") { return store }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: store, isDirectory: &isDirectory) {
            // A file of another name is read as the store file it was given as, and its own
            // errors named, rather than looked for as a store's name under calibration/.
            return isDirectory.boolValue ? (store as NSString).appendingPathComponent("store.yaml") : store
        }
        // A path to a folder that is not there is reported as that path, not as a store name.
        if store.contains("/") { return (store as NSString).appendingPathComponent("store.yaml") }
        return "calibration/\(store)/store.yaml"
    }

    /// `fitted: false` leaves out the `fitted.yaml` beside the store file (`calibrate fit`).
    func load(fitted: Bool = true) throws -> StoreConfiguration {
        try StoreConfiguration.loadChecked(path: path, fitted: fitted)
    }
}

extension StoreConfiguration {
    /// Loads a store file and checks what later stages read from it (the `positioning:`
    /// section's names and ranges), so that every mistake in it is reported with its line
    /// before anything starts.
    ///
    /// Not inlined: Swift 6.3's optimizer crashes splitting an async caller's coroutine when
    /// this typed-throws call is inlined into it (`OutboxDeliverCommand.run`, release builds).
    @inline(never)
    static func loadChecked(path: String, fitted: Bool = true) throws -> StoreConfiguration {
        let configuration = try StoreConfiguration.load(path: path, fitted: fitted)
        do {
            _ = try PositioningConfiguration(configuration)
        } catch {
            throw error as any Error
        }
        return configuration
    }
}
