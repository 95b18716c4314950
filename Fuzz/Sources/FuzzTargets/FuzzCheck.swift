/// Stops the fuzzer on a broken invariant: libFuzzer reports the trap as a
/// crash and saves the input, and the message says which property failed.
/// Under `FuzzFailures.$recorder` (the regression tests) the failure is
/// handed to the recorder instead and the target carries on.
@inline(never)
func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
               file: StaticString = #fileID, line: UInt = #line) {
    if condition() { return }
    if let recorder = FuzzFailures.recorder {
        recorder("\(file):\(line): \(message())")
        return
    }
    fatalError("fuzz invariant: \(message())", file: file, line: line)
}

/// Where broken invariants go instead of a trap, for tests that replay inputs.
package enum FuzzFailures {
    @TaskLocal package static var recorder: (@Sendable (String) -> Void)?
}
