// tally-server: a durable Redis-compatible server whose data lives in SQLite.
import RESPServer
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

let configuration: ServerConfiguration
do {
    guard let parsed = try CommandLineOptions.parse(Array(CommandLine.arguments.dropFirst()), environment: Environment.current) else {
        exit(0)
    }
    configuration = parsed
} catch {
    CommandLineOptions.fail("\(error)", exitCode: 2)
}

EventLoopSetup.ignoreBrokenPipes()
do {
    let server = try Server(configuration: configuration)
    try server.run()
    exit(0)
} catch {
    CommandLineOptions.fail("\(error)", exitCode: 1)
}
