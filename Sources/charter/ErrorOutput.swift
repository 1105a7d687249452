// How every verb reports a failure: `Error: <message>` on standard error, with the server's code
// when a server sent one, as fabric-ca-client prints them.

import CharterCore
import Foundation

/// Prints `error` the way fabric-ca's tools do.
func printError(_ error: CharterError) {
    let code = error.remoteCode.map { " (code \($0))" } ?? ""
    FileHandle.standardError.write(Data("Error: \(error.message)\(code)\n".utf8))
}
