import FootfallCore
import Presence

extension Pipeline {
    /// Applies the visit actions among `outputs` to `history` in their order, as a replay does
    /// in memory: records each ended visit, and fills each event waiting for the history from
    /// what it holds at that point (the visits that ended before it included), leaving the
    /// event without a query. The daemon does the same inside its database transaction.
    public static func apply(history: any VisitHistory, to outputs: inout [Output]) throws {
        for index in outputs.indices {
            switch outputs[index] {
            case .position, .event(_, _, _, _, nil):
                continue
            case .visitEnded(let visit):
                try history.record(visit)
            case .event(var event, let device, let deliverable, let decidedAt, let query?):
                query.fill(&event, from: try history.visits(of: query.identity, since: query.since))
                outputs[index] = .event(event, device: device, deliverable: deliverable, decidedAt: decidedAt, history: nil)
            }
        }
    }
}
