import Foundation

/// The package's own files, for tests that check the code against a catalogue (metrics,
/// settings, SQL). Reads files only, so unit and integration targets can both use it.
package enum PackageFiles {
    /// The package root (this file is Tests/PackageFiles/PackageFiles.swift).
    package static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// (path relative to the package root, contents) of every .swift file under `folder`.
    package static func swift(under folder: String) throws -> [(String, String)] {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        var files: [(String, String)] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            files.append((String(url.path.dropFirst(root.path.count + 1)), try String(contentsOf: url, encoding: .utf8)))
        }
        return files
    }
}
