import ArgumentParser
import Simulation

/// The simulated radio's harshness, shared by `simulate` and `simulate-survey` (give both the
/// same values, as the same seed, so that the survey sees the trace's store). The defaults
/// are the realistic radio that the accuracy figures in the README are measured on; the
/// options show what limits accuracy in a store, e.g. `--static-shadowing 0` for a survey
/// that captured every wall and shelf.
struct RadioOptions: ParsableArguments {
    @Option(name: .customLong("static-shadowing"), parsing: .unconditional, help: ArgumentHelp("Standard deviation (dB) of the shadowing fixed to each place and sensor (walls, shelves).", valueName: "dB"))
    var staticShadowing: Double = RadioModel.Parameters().staticShadowingSD

    @Option(name: .customLong("moving-shadowing"), parsing: .unconditional, help: ArgumentHelp("Standard deviation (dB) of each phone's shadowing that changes as it moves (people, trolleys).", valueName: "dB"))
    var movingShadowing: Double = RadioModel.Parameters().movingShadowingSD

    @Option(name: .customLong("body-loss"), parsing: .unconditional, help: ArgumentHelp("Scale of the carrier's body loss (1: at most 2 dB in the hand, 7 dB in a pocket, 10 dB in a bag; 0: none).", valueName: "scale"))
    var bodyLoss: Double = RadioModel.Parameters().bodyLossScale

    @Option(name: .customLong("storefront-loss"), parsing: .unconditional, help: ArgumentHelp("Loss (dB) of every packet from a phone outside the store, behind the storefront's glass or wall (0: no wall).", valueName: "dB"))
    var storefrontLoss: Double = RadioModel.Parameters().storefrontLoss

    func validate() throws {
        for (name, value) in [("--static-shadowing", staticShadowing), ("--moving-shadowing", movingShadowing)] {
            guard value >= 0, value <= 30 else { throw ValidationError("\(name) must be between 0 and 30 dB") }
        }
        guard storefrontLoss >= 0, storefrontLoss <= 40 else { throw ValidationError("--storefront-loss must be between 0 and 40 dB") }
        guard bodyLoss >= 0, bodyLoss <= 5 else { throw ValidationError("--body-loss must be a scale between 0 and 5") }
    }

    func apply(to radio: inout RadioModel.Parameters) {
        radio.staticShadowingSD = staticShadowing
        radio.movingShadowingSD = movingShadowing
        radio.bodyLossScale = bodyLoss
        radio.storefrontLoss = storefrontLoss
    }
}
