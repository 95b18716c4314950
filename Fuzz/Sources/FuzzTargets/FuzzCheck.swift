/// Stops the fuzzer on a broken invariant: libFuzzer reports the trap as a
/// crash and saves the input, and the message says which property failed.
@inline(never)
func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
               file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError("fuzz invariant: \(message())", file: file, line: line) }
}
