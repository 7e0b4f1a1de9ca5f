/// What this binary is, for `footfall --version` and `footfall_build_info` at /metrics.
public enum BuildInfo {
    /// The release: packaging/build-deb.sh takes the package's version from the binary's
    /// `--version` (with the commit after it), so the two never disagree.
    public static let version = "0.1.0"

    /// The Swift compiler that built it.
    public static var swift: String {
        #if compiler(>=6.4)
        "6.4+"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #else
        "6.1"
        #endif
    }
}
