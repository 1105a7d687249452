// Running the database servers the registry tests start: free loopback ports, commands from a
// server's binary folder, and a watcher that stops the server when the test process ends.

import Foundation

enum TestProcess {
    /// A loopback port nobody listens on now.
    static func freePort() throws -> Int {
        let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(socket, generic, length) == 0 && getsockname(socket, generic, &length) == 0
            }
        }
        guard bound else { throw TestProcessError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// `arguments` as a process: its program from `binaries` when it is there; as `nobody`
    /// under root when `asOwner` (PostgreSQL refuses to run as root).
    static func command(_ binaries: String?, _ arguments: [String], asOwner: Bool) -> Process {
        let process = Process()
        var arguments = arguments
        if let binaries, !arguments[0].contains("/"),
            FileManager.default.isExecutableFile(atPath: "\(binaries)/\(arguments[0])")
        {
            arguments[0] = "\(binaries)/\(arguments[0])"
        }
        if asOwner && getuid() == 0 {
            arguments = ["runuser", "-u", "nobody", "--"] + arguments
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return process
    }

    /// Runs to the end; throws when it fails.
    static func run(_ binaries: String?, _ arguments: [String], asOwner: Bool) throws {
        let process = command(binaries, arguments, asOwner: asOwner)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestProcessError("\(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
    }

    /// Starts in the background.
    static func spawn(_ binaries: String?, _ arguments: [String], asOwner: Bool) throws {
        try command(binaries, arguments, asOwner: asOwner).run()
    }

    /// Starts `server` (a shell command) in the background, logging to `log`, and stops it with
    /// `stop` once this test process has ended.
    static func serve(_ server: [String], log: String, stop: String, asOwner: Bool) throws {
        let pid = ProcessInfo.processInfo.processIdentifier
        let watcher = """
            \(server.map(shellQuoted).joined(separator: " ")) > \(shellQuoted(log)) 2>&1 &
            child=$!
            while [ -d /proc/\(pid) ] && [ -d /proc/$child ]; do sleep 1; done
            kill -\(stop) $child 2>/dev/null
            """
        try spawn(nil, ["sh", "-c", watcher], asOwner: asOwner)
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

struct TestProcessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
