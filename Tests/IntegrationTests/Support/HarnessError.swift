/// A failure of the test harness itself (a tool missing, a process that did
/// not start, a reply that did not come), with a message that says what to do.
struct HarnessError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
