// The fuzzing driver. Built plainly, `charter-fuzz <target> <file or folder>…` replays inputs
// through a target (a crash reproduces as a crash). Built by `Scripts/fuzz.sh` with
// `-sanitize=fuzzer -DCHARTER_LIBFUZZER`, it is a libFuzzer binary for the target named by
// `CHARTER_FUZZ_TARGET`, taking libFuzzer's own flags.

import CharterFuzzTargets
import Foundation

#if CHARTER_LIBFUZZER
    /// libFuzzer's entry point: one input through the selected target.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        guard let data, let target = CharterFuzzer.target else { return 0 }
        target.runBlocking(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    func runDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt
#endif

@main
enum CharterFuzzer {
    static let target = ProcessInfo.processInfo.environment["CHARTER_FUZZ_TARGET"].flatMap(FuzzTarget.init)

    static func main() throws {
        #if CHARTER_LIBFUZZER
            guard target != nil else {
                fail(
                    "set CHARTER_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(runDriver(&argc, &argv, fuzzOne))
        #else
            let arguments = CommandLine.arguments.dropFirst()
            guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
                fail(
                    "usage: charter-fuzz <\(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|"))> <file or folder>…"
                )
            }
            var count = 0
            for path in arguments.dropFirst() {
                for file in files(at: path) {
                    target.runBlocking(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
                    count += 1
                }
            }
            print("\(name): \(count) inputs replayed")
        #endif
    }

    static func files(at path: String) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            return [path]
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { "\(path)/\($0)" }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(2)
    }
}
