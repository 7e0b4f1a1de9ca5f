import ArgumentParser
import Calibration
import FootfallCore
import Foundation
import Positioning

struct CalibrateFitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit each sensor's path loss to a survey and write it to fitted.yaml beside store.yaml.",
        discussion: "store.yaml is never rewritten: the store configuration reads fitted.yaml from the same folder. Sensors with a poor fit, a doubtful position or no readings are flagged."
    )

    @OptionGroup var store: StoreOption

    @Option(help: "The survey (.csv: time,sensor,device,rssi,x,y[,zone]); default survey.csv beside store.yaml.")
    var survey: String?

    @Option(help: "Draw RSSI against distance with the fitted curve per sensor to this SVG.")
    var plot: String?

    @Option(help: "Write the fitted parameters here instead of fitted.yaml beside store.yaml.")
    var out: String?

    func validate() throws {
        if let plot, !plot.hasSuffix(".svg") { throw ValidationError("--plot must name an .svg file, e.g. fit.svg") }
    }

    func run() throws {
        // The store as its file has it: the fitted.yaml this writes anew is neither the fit's
        // starting point nor, if stale (a sensor renamed since), a reason not to fit.
        let configuration = try store.load(fitted: false)
        let surveyFile = try SurveyFile.load(survey ?? SurveyFile.defaultPath(for: configuration))
        let calibration = PathLossCalibration()
        // The fit reads no zone label: a zone redrawn since the survey does not stop it.
        try surveyFile.validate(against: configuration, calibration: calibration, labels: false)
        let fits = calibration.fit(surveyFile.samples, layout: configuration.layout)
        print(PathLossCalibration.table(fits))
        let target = out ?? FittedPathLoss.path(besideConfiguration: configuration.file)
        let targetFolder = (target as NSString).deletingLastPathComponent
        // Made first, so that the survey is named from the folder as it will be found.
        if !targetFolder.isEmpty { try? FileManager.default.createDirectory(atPath: targetFolder, withIntermediateDirectories: true) }
        let surveyName = Self.relative(surveyFile.path, to: targetFolder)
        try writeText(PathLossCalibration.fittedYAML(fits, survey: surveyName), to: target)
        let fitted = fits.filter { $0.pathLoss != nil }.count
        let street = surveyFile.samples.filter { $0.point.map { !Street.isOnFloor($0, layout: configuration.layout) } ?? false }.count
        let left = street > 0 ? " (\(street) on the pavement left out: they map the street, not the sensors)" : ""
        print("wrote \(target): \(fitted) of \(fits.count) sensors fitted from \(surveyFile.samples.count - street) readings\(left)")
        // A survey of one corner fits (each sensor heard at three points off a line) and then
        // makes the rest of the floor worse than the models alone (audit: 4 points in a corner,
        // the median error 3.11 m → 4.22 m): said, with what to do.
        let coverage = PathLossCalibration.coverage(surveyFile.samples, layout: configuration.layout)
        if coverage < 0.5 {
            print("warning: the survey's points are within 3 m of \(Int((coverage * 100).rounded())) % of the floor: the fitted models and the radio map rest on readings there only, and may place shoppers elsewhere worse than the store file's models alone; survey the rest of the floor (20–40 points per 100 m², calibration/README.md)")
        }
        if let wall = PathLossCalibration.storefrontLoss(surveyFile.samples, fits: fits, layout: configuration.layout) {
            let loss = SVGDocument.number((wall.loss * 10).rounded() / 10)
            let heard = "the pavement is heard \(loss) dB weaker than the floor's fitted models say (\(wall.readings) readings at \(wall.points) points)"
            if wall.loss < 2 {
                print("\(heard): as through an open front, so outside_wall_loss stays 0")
            } else {
                print("\(heard): the storefront's loss. Where it is a wall or glass rather than an open front, state it under positioning: in store.yaml, `outside_wall_loss: \(loss)` (docs/positioning.md, \"The storefront's loss\")")
            }
        }
        if let plot {
            try writeText(FitPlot.render(fits, title: "\(configuration.layout.name): RSSI against distance, fitted per sensor"), to: plot)
            print("wrote \(plot)")
        }
    }

    /// `path` as fitted.yaml in `folder` names it: relative to that folder (climbing out of it
    /// with `..` where the survey lies elsewhere), as the store's loader reads it; absolute when
    /// the two share no folder but the root. Both are taken as the kernel finds them (links
    /// followed): the loader's `folder/../x` climbs out of the folder a link names, not out of
    /// the link's own.
    static func relative(_ path: String, to folder: String) -> String {
        let here = FileManager.default.currentDirectoryPath
        func parts(_ path: String) -> [String] {
            var absolute = path.hasPrefix("/") ? path : (here as NSString).appendingPathComponent(path)
            if let real = realpath(absolute, nil) {
                absolute = String(cString: real)
                free(real)
            }
            var parts: [String] = []
            for part in absolute.split(separator: "/") where part != "." {
                if part == ".." { _ = parts.popLast() } else { parts.append(String(part)) }
            }
            return parts
        }
        let target = parts(path), base = parts(folder.isEmpty ? "." : folder)
        let common = zip(target, base).prefix { $0 == $1 }.count
        guard common > 0 else { return "/" + target.joined(separator: "/") }
        return (Array(repeating: "..", count: base.count - common) + target[common...]).joined(separator: "/")
    }
}
