import ArgumentParser
import Calibration
import FootfallCore
import Foundation

/// `footfall zones …`: check and draw a store's layout.
struct ZonesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zones",
        abstract: "Check a store's layout and draw it to scale.",
        subcommands: [ZonesCheckCommand.self, ZonesRenderCommand.self]
    )
}
