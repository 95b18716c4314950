import FuzzTargets

/// libFuzzer's entry point for the command execution target.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzCommands(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
