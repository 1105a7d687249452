import Testing

@testable import CharterServer

@Suite struct ServerMetricsTests {
    @Test func cachedHandlesKeepCountingTheSameSeries() {
        let metrics = ServerMetrics()
        for _ in 0..<3 {
            metrics.countResponse(endpoint: "/enroll", method: "POST", status: 201, duration: .milliseconds(2))
        }
        metrics.countResponse(endpoint: "/enroll", method: "POST", status: 401, duration: .milliseconds(1))
        let text = metrics.prometheusText()
        #expect(text.contains(#"charter_http_requests_total{endpoint="/enroll",method="POST",status="201"} 3"#))
        #expect(text.contains(#"charter_http_requests_total{endpoint="/enroll",method="POST",status="401"} 1"#))
        #expect(text.contains(#"charter_http_request_duration_seconds_count{endpoint="/enroll",method="POST"} 4"#))
    }

    @Test func labelsAreKeptApartInTheCacheKey() {
        #expect(ServerMetrics.key("m", [("a", "b=c")]) != ServerMetrics.key("m", [("a=b", "c")]))
        #expect(ServerMetrics.key("m", [("a", "b")]) != ServerMetrics.key("m", [("a", "b"), ("c", "d")]))
        #expect(ServerMetrics.key("m", [("a", "1:b")]) != ServerMetrics.key("m", [("a1:", "b")]))
    }
}
