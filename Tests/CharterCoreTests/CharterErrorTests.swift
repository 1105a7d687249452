import CharterCore
import Testing

@Suite struct CharterErrorTests {
    @Test func errorsRememberWhereTheyWereRaised() {
        let error = CharterError(.invalidRequest, "bad")
        #expect(error.file.hasSuffix("CharterErrorTests.swift"))
        #expect(error.line == 6)
        #expect(error.debugDescription.contains("CharterErrorTests.swift:6"))
    }

    @Test func equalityIgnoresTheLocation() {
        let first = CharterError(.invalidRequest, "bad")
        let second = CharterError(.invalidRequest, "bad")
        #expect(first == second)
        #expect(first != CharterError(.invalidBody, "bad"))
    }

    @Test func remoteErrorsKeepTheServersCode() {
        let error = CharterError.remote(code: 20, message: "Authentication failure")
        #expect(error.code == .remote)
        #expect(error.description == "Authentication failure (code 20)")
    }

    @Test func everyCodeHasOneStatus() {
        for code in CharterError.Code.allCases {
            #expect((100...599).contains(code.wire.httpStatus))
        }
    }
}
