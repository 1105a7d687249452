import CharterCore
import Foundation
import Testing

@Suite struct FileWriterTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("charter-files-\(UUID().uuidString)")
        .path

    func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    @Test func filesGetExactlyTheirModeAndReplaceAtomically() throws {
        try FileWriter.makeFolder(folder, mode: 0o700)
        let path = "\(folder)/key_sk"
        try FileWriter.write("first", to: path, mode: 0o600)
        try FileWriter.write("second", to: path, mode: 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try mode(path) == 0o600)
        #expect(try mode(folder) == 0o700)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["key_sk"])
    }

    @Test func createRefusesAnExistingFile() throws {
        try FileWriter.makeFolder(folder, mode: 0o755)
        try FileWriter.create(Array("a".utf8), at: "\(folder)/f", mode: 0o644)
        let error = #expect(throws: CharterError.self) {
            try FileWriter.create(Array("b".utf8), at: "\(folder)/f", mode: 0o644)
        }
        #expect(error?.code == .fileSystem)
        #expect(try String(contentsOfFile: "\(folder)/f", encoding: .utf8) == "a")
    }

    @Test func privateFoldersAreEnforcedEvenWhenTheyExist() throws {
        try FileWriter.makeFolder("\(folder)/a/b", mode: 0o755)
        try FileWriter.makeFolder("\(folder)/a/b", mode: 0o700, enforce: true)
        #expect(try mode("\(folder)/a/b") == 0o700)
        #expect(try mode("\(folder)/a") == 0o755)
    }
}
