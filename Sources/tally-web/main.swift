// tally-web: the article's hit-counter page, counting through a Redis-compatible cache.
import App
import Logging
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

func fail(_ message: String, exitCode: Int32) -> Never {
    let line = "tally-web: \(message)\n"
    _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, line.utf8.count) }
    exit(exitCode)
}

var environment: [String: String] = [:]
var pointer = environ
while let entry = pointer.pointee {
    let text = String(cString: entry)
    if let equals = text.firstIndex(of: "=") {
        environment[String(text[..<equals])] = String(text[text.index(after: equals)...])
    }
    pointer += 1
}

let arguments = Array(CommandLine.arguments.dropFirst())
let configuration: WebConfiguration
do {
    guard let parsed = try WebConfiguration.parse(arguments: arguments, environment: environment) else {
        print(WebConfiguration.usage)
        exit(0)
    }
    configuration = parsed
} catch {
    fail("\(error)", exitCode: 2)
}
var logger = Logger()
if let level = WebConfiguration.logLevel(arguments: arguments, environment: environment) {
    guard let parsed = Logger.Level(name: level) else { fail("invalid log level '\(level)'", exitCode: 2) }
    logger.minimumLevel = parsed
}

signal(SIGPIPE, SIG_IGN)
do {
    let server = try WebServer(configuration: configuration, logger: logger)
    try server.run()
    exit(0)
} catch {
    fail("\(error)", exitCode: 1)
}
