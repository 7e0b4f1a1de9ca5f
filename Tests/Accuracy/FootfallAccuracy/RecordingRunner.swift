import Calibration
import FootfallCore
import Foundation
import Pipeline
import Simulation

/// Runs a recording: its readings, in time order, through one `Pipeline` per variant (the
/// pipeline `footfall replay` runs, so the locator's estimates are its position outputs), then
/// scores them and the baselines on the same truth samples.
enum RecordingRunner {
    /// With `errors`, also writes each case's samples there (`SampleErrors`).
    static func run(_ recording: Recording, errors errorsFolder: String? = nil) throws -> [CaseResult] {
        let started = Date()
        let layout = recording.configuration.layout
        let surveys = recording.variants.map { $0.survey() }
        var pipelines = try surveys.map { try Pipeline(configuration: recording.configuration, survey: $0) }
        var estimates = Array(repeating: [DeviceID: [PositionEstimate]](), count: pipelines.count)
        // Simulated stores: every truth sample, inside or out, and each variant's events, for
        // `AccuracyScorer`'s visits (passers-by counted as visitors).
        var allTruth: [TruthSample] = []
        var events = Array(repeating: [(PresenceEvent, DeviceID?, Double)](), count: pipelines.count)
        var log = ReadingLog(sensors: layout.sensors.map(\.id))
        var outputs: [Pipeline.Output] = []

        func collect(_ variant: Int) {
            for output in outputs {
                switch output {
                case .position(let estimate): estimates[variant][estimate.device, default: []].append(estimate)
                case .event(let event, let device, _, let decidedAt, _): events[variant].append((event, device, decidedAt))
                case .visitEnded: break
                }
            }
            outputs.removeAll(keepingCapacity: true)
        }
        func feed(_ observation: Observation) throws {
            for v in pipelines.indices {
                try pipelines[v].ingest(observation, into: &outputs)
                collect(v)
            }
            log.add(observation)
        }

        var samples: [CausalScoring.Sample] = []
        // With `--errors`, what the true positions would teach the gains (simulated stores).
        var trueResiduals: TrueResiduals?
        switch recording.source {
        case .recorded(let observations, let truth):
            for observation in observations { try feed(observation) }
            samples = truth
        case .simulated(let simulator):
            if errorsFolder != nil { trueResiduals = TrueResiduals(layout: layout) }
            try simulator.run(observation: { observation in
                try feed(observation)
                trueResiduals?.add(observation)
            }) { truth in
                trueResiduals?.add(device: truth.device, at: truth.time, position: truth.position)
                allTruth.append(truth)
                guard layout.outline.contains(truth.position) else { return }
                samples.append(.init(time: truth.time, device: truth.device, truth: .point(truth.position), zone: truth.zone))
            }
        }
        let taught = trueResiduals?.gains()
        for v in pipelines.indices {
            try pipelines[v].finish(into: &outputs)
            collect(v)
        }
        // Only a simulated store's truth has people who never came in.
        var visits: [AccuracyReport]?
        if case .simulated = recording.source {
            visits = pipelines.indices.map { v in
                var scorer = AccuracyScorer(layout: layout, truth: allTruth, presence: recording.configuration.presence)
                for estimate in estimates[v].values.joined() { scorer.add(estimate) }
                for (event, device, decidedAt) in events[v] { scorer.add(event, device: device, decidedAt: decidedAt) }
                return scorer.report()
            }
        }

        // The person carrying each simulated device: a rotating address is one shopper's.
        var subjects: [DeviceID: String] = [:]
        for sample in allTruth { if let person = sample.person { subjects[sample.device] = person } }

        // Nearest sensor and centroids do not use the survey: once for all variants.
        let model = Baselines(sensors: layout.sensors)
        let modelPositions = model.positions(samples, log: log)
        let elapsed = Date().timeIntervalSince(started)
        return try recording.variants.indices.map { v in
            var positions = modelPositions
            if !surveys[v].isEmpty {
                let knn = Baselines(sensors: layout.sensors, survey: surveys[v])
                for (method, values) in knn.positions(samples, log: log, kinds: [.knn]) { positions[method] = values }
            }
            let errors = positions.mapValues { zip(samples, $0).map { $0.error(of: $1) } }
            let scored = CausalScoring.score(samples, estimates: estimates[v], zones: recording.scoresZones ? layout : nil, subjects: subjects)
            guard !samples.isEmpty else { throw MissingDataset(description: "\(recording.variants[v].name): no truth samples") }
            let result = CaseResult(
                name: recording.variants[v].name, notes: recording.notes + " " + recording.variants[v].notes,
                locator: scored.summary, baselines: errors.mapValues(ErrorSummary.init),
                reportedZoneAccuracy: scored.reportedZoneAccuracy, containingZoneAccuracy: scored.containingZoneAccuracy,
                visits: visits?[v].visits, entryDelay: visits?[v].entryDelay.median, seconds: elapsed)
            if let errorsFolder {
                let bar = result.bar.map { ($0.method, positions[$0.method]!, errors[$0.method]!) }
                try SampleErrors.write(
                    samples: samples, locator: scored, bar: bar, zones: recording.scoresZones ? layout : nil,
                    to: SampleErrors.path(in: errorsFolder, case: result.name))
                try SampleErrors.write(
                    learntRadio: pipelines[v].learntRadio, taught: taught,
                    to: SampleErrors.path(in: errorsFolder, case: result.name + " learnt radio"))
            }
            return result
        }
    }
}
