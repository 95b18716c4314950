import FuzzTargets

/// libFuzzer's entry point for the RESP request parser target.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzRequestParser(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
