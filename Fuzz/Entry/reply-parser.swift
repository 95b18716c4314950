import FuzzTargets

/// libFuzzer's entry point for the RESP reply parser target.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzReplyParser(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
