import Foundation
import Yams

/// Path-loss parameters fitted to a survey by `footfall calibrate fit`, kept in `fitted.yaml`
/// beside `store.yaml` so that refitting never rewrites the engineer's file (its comments and
/// layout). When the file is there, `StoreConfiguration.load` applies it over each sensor's
/// `path_loss`:
///
/// ```yaml
/// survey: survey.csv
/// sensors:
///   s1: { rssi_at_1m: -59.1, exponent: 2.21, residual_sd: 3.4, points: 24 }
/// ```
public struct FittedPathLoss: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public var pathLoss: PathLoss
        /// Robust spread (dB) of the survey's readings around the fit.
        public var residualSD: Double?
        /// Survey points the fit used.
        public var points: Int?
        public init(pathLoss: PathLoss, residualSD: Double? = nil, points: Int? = nil) {
            self.pathLoss = pathLoss
            self.residualSD = residualSD
            self.points = points
        }
    }

    /// The file's name beside `store.yaml`.
    public static let fileName = "fitted.yaml"

    /// The file it was read from.
    public var file: String
    /// The survey it was fitted to, as written by the fit.
    public var survey: String?

    /// That survey's path, a relative one taken from this file's folder.
    public var surveyPath: String? {
        guard let survey, !survey.isEmpty else { return nil }
        if survey.hasPrefix("/") { return survey }
        let folder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty ? survey : (folder as NSString).appendingPathComponent(survey)
    }
    public var sensors: [SensorID: Entry]
    /// The line of each sensor's entry, for errors.
    public var lines: [SensorID: Int] = [:]

    public init(file: String, survey: String? = nil, sensors: [SensorID: Entry] = [:]) {
        self.file = file
        self.survey = survey
        self.sensors = sensors
    }

    /// The RSSI at a metre a receiver can give: a fit outside it is not written (`calibrate fit`).
    public static let plausibleRSSIAt1m = -110.0...10.0
    /// The path-loss exponents a building can have.
    public static let plausibleExponent = 1.0...6.0

    /// `fitted.yaml` in the folder of the configuration file at `path`.
    public static func path(besideConfiguration path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? fileName : (folder as NSString).appendingPathComponent(fileName)
    }

    public static func parse(yaml text: String, file: String) throws -> FittedPathLoss {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigurationError(file: file, line: 1, field: "", message: "is empty; rerun `footfall calibrate fit` or delete it")
            }
            root = node
        } catch let error as YamlError {
            throw error.configurationError(file: file, text: text)
        }
        let reader = YAMLReader(file: file)
        let top = try reader.mapping(root, "", known: ["survey", "sensors"])
        var fitted = FittedPathLoss(file: file)
        var lines: [SensorID: Int] = [:]
        if let node = top["survey"] { fitted.survey = try reader.string(node, "survey") }
        guard let sensorsNode = top["sensors"] else { return fitted }
        if case .scalar(let scalar) = sensorsNode, scalar.string.isEmpty || scalar.string == "{}" { return fitted }
        guard case .mapping(let mapping) = sensorsNode else {
            throw reader.error(sensorsNode, "sensors", "expected `id: { rssi_at_1m: …, exponent: … }` lines")
        }
        for (key, value) in mapping {
            let id = try reader.string(key, "sensors")
            let field = "sensors.\(id)"
            let map = try reader.mapping(value, field, known: ["rssi_at_1m", "exponent", "residual_sd", "points"])
            guard let a = map["rssi_at_1m"], let n = map["exponent"] else {
                throw reader.error(value, field, "needs rssi_at_1m and exponent; rerun `footfall calibrate fit`")
            }
            let pathLoss = PathLoss(rssiAt1m: try reader.double(a, "\(field).rssi_at_1m"), exponent: try reader.double(n, "\(field).exponent"))
            guard Self.plausibleRSSIAt1m.contains(pathLoss.rssiAt1m) else {
                throw reader.error(a, "\(field).rssi_at_1m", "\(pathLoss.rssiAt1m) dBm is not a plausible RSSI at 1 m; rerun `footfall calibrate fit`, or delete \(file) to run on the store file's models")
            }
            guard Self.plausibleExponent.contains(pathLoss.exponent) else {
                throw reader.error(n, "\(field).exponent", "\(pathLoss.exponent) is not a plausible path-loss exponent; rerun `footfall calibrate fit`, or delete \(file) to run on the store file's models")
            }
            lines[SensorID(id)] = key.mark?.line
            var entry = Entry(pathLoss: pathLoss)
            if let n = map["residual_sd"] { entry.residualSD = try reader.nonNegative(n, "\(field).residual_sd", unit: "dB") }
            if let n = map["points"] { entry.points = Int(try reader.nonNegative(n, "\(field).points", unit: "points")) }
            fitted.sensors[SensorID(id)] = entry
        }
        fitted.lines = lines
        return fitted
    }

    /// Sets each fitted sensor's BLE path loss; a sensor the store does not have is an error
    /// (the file belongs to another layout).
    public func apply(to configuration: inout StoreConfiguration) throws {
        for (id, entry) in sensors.sorted(by: { $0.key < $1.key }) {
            guard let index = configuration.layout.sensors.firstIndex(where: { $0.id == id }) else {
                throw ConfigurationError(
                    file: file, line: lines[id], field: "sensors.\(id)",
                    message: "sensor '\(id)' is not in \(configuration.file); rerun `footfall calibrate fit` for this store or delete \(file)")
            }
            configuration.layout.sensors[index].pathLoss[.ble] = entry.pathLoss
        }
    }
}
