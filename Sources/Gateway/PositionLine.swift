import FootfallCore

/// One line of `--positions`: `time,device,x,y,uncertainty_m,zone`.
public enum PositionLine {
    public static func text(_ e: PositionEstimate) -> String {
        func metres(_ v: Double) -> String { DelimitedField.number((v * 1000).rounded() / 1000) }
        return "\(DelimitedField.number(e.time)),\(DelimitedField.escape(e.device.rawValue)),\(metres(e.position.x)),\(metres(e.position.y)),\(metres(e.uncertainty)),\(DelimitedField.escape(e.zone ?? ""))\n"
    }
}
