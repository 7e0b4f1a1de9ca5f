import Foundation

/// Reads a dataset's files under `--datasets`, turning an absent one into a `MissingDataset`
/// line that says which dataset and where it was looked for.
struct DatasetFiles {
    var root: String
    var dataset: String

    /// The dataset's folder, or a `MissingDataset` when it is not there.
    init(datasets: String, dataset: String) throws {
        root = (datasets as NSString).appendingPathComponent(dataset)
        self.dataset = dataset
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw MissingDataset(description: "\(dataset): \(root) not found; pass --datasets the folder holding it (default ../shared/datasets)")
        }
    }

    func text(_ relative: String) throws -> String {
        let path = (root as NSString).appendingPathComponent(relative)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MissingDataset(description: "\(dataset): \(path) not found; the dataset is incomplete")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
