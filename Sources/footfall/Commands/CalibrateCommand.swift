import ArgumentParser
import Calibration
import FootfallCore
import Foundation

/// `footfall calibrate …`: survey a store, fit its sensors, and measure its accuracy.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Record survey points, fit each sensor's path loss, and check the accuracy a survey gives.",
        subcommands: [CalibrateRecordCommand.self, CalibrateFitCommand.self, CalibrateCheckCommand.self]
    )
}
