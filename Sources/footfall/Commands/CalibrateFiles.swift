import Calibration
import FootfallCore
import Gateway
import Foundation
import Positioning

/// A survey file with the line of each sample, so problems name the line to fix.
struct SurveyFile {
    var path: String
    var samples: [SurveySample]
    /// The line of each sample in the file.
    var lines: [Int]

    /// `survey.csv` beside the store's configuration.
    static func defaultPath(for configuration: StoreConfiguration) -> String {
        let folder = (configuration.file as NSString).deletingLastPathComponent
        return folder.isEmpty ? "survey.csv" : (folder as NSString).appendingPathComponent("survey.csv")
    }

    /// The survey `fitted.yaml` was fitted to, checked against the store, when the file is
    /// there: the locator's radio map in `run` and, without `--survey`, in `replay`. Nil when
    /// the store has no fitted path loss, or it names no survey; a survey named but missing is
    /// an error (the fit would stand without the map it was made with).
    static func fitted(_ configuration: StoreConfiguration) throws -> SurveyFile? {
        guard let fitted = configuration.fitted, let path = fitted.surveyPath else { return nil }
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("\(fitted.file): its survey \(path) is missing; put it back, or refit with `footfall calibrate fit`, or remove the survey: line to run on the fitted path loss alone")
        }
        let file = try load(path)
        try file.validate(against: configuration, forFitting: false)
        return file
    }

    static func load(_ path: String) throws -> SurveyFile {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("\(path): no such survey; record points with `footfall calibrate record --store S --at X,Y --source trace:FILE` or pass --survey")
        }
        let samples = try SurveyCodec.readSurvey(path: path)
        // SurveyCodec skips empty lines: the n-th sample is on the n-th non-empty line after the header.
        // Decoded leniently: a Latin-1 byte in a comment or zone name must not cost every
        // later problem its line number (audit).
        let text = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var lines: [Int] = []
        for (index, line) in text.textLines.enumerated().dropFirst()
        where !line.isEmpty && line != "\r" {
            lines.append(index + 1)
        }
        return SurveyFile(path: path, samples: samples, lines: lines)
    }

    /// Checks the survey against the store, for fitting or (`forFitting: false`) only that its
    /// samples belong to it (inside it, or on the street before it as its `positioning:`
    /// section has the street); a problem becomes one line naming the file and line.
    /// `labels`: also that a zone label beside coordinates names a zone holding the point (what
    /// `calibrate check` scores a point's zone by; the fit and the map read no such label).
    func validate(against configuration: StoreConfiguration, calibration: PathLossCalibration = .init(), forFitting: Bool = true, labels: Bool = true) throws {
        let layout = configuration.layout
        var calibration = calibration
        calibration.positioning = (try? PositioningConfiguration(configuration)) ?? PositioningConfiguration()
        do {
            if forFitting {
                try calibration.validate(samples, layout: layout, labels: labels)
            } else {
                try calibration.validateSamples(samples, layout: layout, labels: false)
            }
        } catch let problem as SurveyProblem {
            let line = problem.sampleIndex.flatMap { $0 < lines.count ? lines[$0] : nil }.map { ":\($0)" } ?? ""
            throw CommandFailure("\(path)\(line): \(problem.message)")
        }
    }
}

/// Writes text to a file, creating its folder; a failure says which file. A link is written
/// through (the file it names is replaced, the link stays) and a file there keeps its
/// permissions (audit: `calibrate record` replaced a linked survey with a plain copy, 640 made 644).
func writeText(_ text: String, to path: String) throws {
    let target = resolvedLinks(path)
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory), isDirectory.boolValue {
        throw CommandFailure("cannot write \(path): it is a folder; give the path of a file in it")
    }
    let folder = (target as NSString).deletingLastPathComponent
    if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
    // A regular file's own mode (a link's would be 0777).
    let attributes = try? FileManager.default.attributesOfItem(atPath: target)
    let permissions = attributes?[.type] as? FileAttributeType == .typeRegular ? attributes?[.posixPermissions] : nil
    do {
        try text.write(toFile: target, atomically: true, encoding: .utf8)
    } catch {
        throw CommandFailure("cannot write \(path): \(error.localizedDescription); check the folder exists and is writable")
    }
    if let permissions { try? FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: target) }
}

/// The file `path` names once its links are followed, each relative to its own folder — also
/// when the last one names a file not made yet (which `resolvingSymlinksInPath` leaves as the
/// link, and an atomic write would then replace).
func resolvedLinks(_ path: String) -> String {
    var target = path
    for _ in 0..<32 {
        guard let destination = try? FileManager.default.destinationOfSymbolicLink(atPath: target) else { break }
        target = destination.hasPrefix("/") ? destination : ((target as NSString).deletingLastPathComponent as NSString).appendingPathComponent(destination)
    }
    return target
}

/// The secret a survey's device pseudonyms are keyed with: 32 random bytes in `.survey-key`
/// beside the store file (mode 0600), made at the first survey point recorded from a device
/// with an address, as the gateway's own key is (`GatewayData.loadOrCreateKey`: one there but
/// unreadable is said, never replaced). Never written into the survey.
enum SurveyDeviceKey {
    static func key(for configuration: StoreConfiguration) throws -> [UInt8] {
        let folder = (configuration.file as NSString).deletingLastPathComponent
        let path = (folder.isEmpty ? "." : folder as NSString).appendingPathComponent(".survey-key")
        return try GatewayData.loadOrCreateKey(at: path, place: "the store's folder")
    }
}

/// Before a dataset converter writes its store into `out`: the store file it made must read
/// (checked before anything is written, so a failure leaves `out` as it was), and a
/// `fitted.yaml` there, fitted to a survey this one replaces, is said to be stale.
func prepareConvertedStore(yaml: String, survey: String, in out: String) throws {
    let storePath = (out as NSString).appendingPathComponent("store.yaml")
    _ = try StoreConfiguration.parse(yaml: yaml, file: storePath)
    let fitted = FittedPathLoss.path(besideConfiguration: storePath)
    let surveyPath = (out as NSString).appendingPathComponent("survey.csv")
    if FileManager.default.fileExists(atPath: fitted), let old = FileManager.default.contents(atPath: surveyPath), old != Data(survey.utf8) {
        printError("warning: \(fitted) was fitted to the survey.csv this replaces; refit with `footfall calibrate fit --store \(out)` (replay and run use that fit with the new survey until then)")
    }
}
