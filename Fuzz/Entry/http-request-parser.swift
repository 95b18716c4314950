import FuzzTargets

/// libFuzzer's entry point for the HTTP request parser target.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzHTTPRequestParser(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
