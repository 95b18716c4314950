import Foundation
import Testing
@testable import FuzzTargets

/// Inputs libFuzzer reported, replayed through their target with the
/// target's invariants as test failures.
@Suite struct FoundInputTests {
    /// Reported as a 13 s timeout by the http-request-parser fuzzer on
    /// 2026-12-04, while the machine was loaded by other work; replayed alone
    /// it runs in about a millisecond, and the stack at the alarm was in an
    /// array copy of the harness, so no parser loop was stuck. Kept so that
    /// it stays a quick, clean input.
    @Test func httpParserTimeoutReportUnderLoad() throws {
        let input = try #require(Data(base64Encoded: "CgoKCgqXCgovMW4xCmIga3N8wg=="))
        #expect(FuzzInputs.violations { Array(input).withUnsafeBytes(fuzzHTTPRequestParser) } == [])
    }
}
