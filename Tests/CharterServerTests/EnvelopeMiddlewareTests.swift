import Testing

@testable import CharterServer

@Suite struct EnvelopeMiddlewareTests {
    @Test(arguments: [
        (Duration.zero, "0.00"), (.microseconds(50), "0.05"), (.microseconds(1_234), "1.23"),
        (.milliseconds(250), "250.00"), (.seconds(3) + .microseconds(10), "3000.01"),
    ])
    func durationsAreLoggedInMillisecondsToTheHundredth(duration: Duration, text: String) {
        #expect(EnvelopeMiddleware.milliseconds(duration) == text)
    }
}
