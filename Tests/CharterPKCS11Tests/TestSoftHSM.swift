// A private SoftHSM2 for the PKCS#11 tests: a token directory in a temporary folder, its tokens
// initialised with softhsm2-util before the module is loaded (SoftHSM reads its configuration,
// SOFTHSM2_CONF, once per process), shared by the test process.

import CharterPKCS11
import Foundation

enum TestSoftHSM {
    static let library = "/usr/lib/softhsm/libsofthsm2.so"
    static let pin = "98765432"
    /// The tokens the tests use; labels differ in more than a suffix on purpose ("ForFab" is not one).
    static let labels = ["ForFabric", "Spare"]

    /// True when SoftHSM is installed (always in CI, where Scripts/bootstrap.sh installs it).
    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: library) || ProcessInfo.processInfo.environment["CI"] != nil
    }

    /// The module, loaded once after the tokens exist.
    static let module: Result<PKCS11Module, any Error> = Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "charter-softhsm-\(UUID().uuidString)"
        )
        let tokens = folder.appendingPathComponent("tokens")
        try FileManager.default.createDirectory(at: tokens, withIntermediateDirectories: true)
        let configuration = folder.appendingPathComponent("softhsm2.conf")
        try "directories.tokendir = \(tokens.path)\nobjectstore.backend = file\nlog.level = ERROR\n"
            .write(to: configuration, atomically: true, encoding: .utf8)
        setenv("SOFTHSM2_CONF", configuration.path, 1)
        for label in labels {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", "1234",
            ]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw TestSoftHSMError("softhsm2-util --init-token failed") }
        }
        return try PKCS11Module(path: library)
    }

    static func token(_ label: String = "ForFabric") throws -> PKCS11Token {
        try module.get().token(label: label, pin: pin)
    }
}

struct TestSoftHSMError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
