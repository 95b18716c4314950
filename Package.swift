// swift-tools-version:6.0
import PackageDescription

/// Tally: a durable Redis-compatible counter service on SQLite, and the
/// article's web page in Swift. The only outside dependency is the system
/// SQLite library.
/// Release builds skip Swift's run-time exclusivity checks on the hot path
/// (they were 4% of an INCR's instructions under callgrind). Debug builds,
/// which run the tests, keep them, so a violation is still caught there.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "Tally",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tally-server", targets: ["tally-server"]),
        .executable(name: "tally-web", targets: ["tally-web"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // Glibc does not expose epoll/eventfd/signalfd/timerfd to Swift.
        .target(name: "CSystem"),
        .target(
            name: "Store",
            dependencies: ["CSQLite"],
            swiftSettings: hotPath,
            plugins: [.plugin(name: "MigrationsPlugin")]
        ),
        .target(name: "RESP", swiftSettings: hotPath),
        .target(name: "EventLoop", dependencies: ["CSystem"], swiftSettings: hotPath),
        .target(name: "Logging"),
        .target(name: "RESPServer", dependencies: ["Store", "RESP", "EventLoop", "Logging"], swiftSettings: hotPath),
        .executableTarget(name: "tally-server", dependencies: ["RESPServer", "Store", "EventLoop", "Logging"]),
        .target(name: "HTTP", swiftSettings: hotPath),
        .target(name: "App", dependencies: ["HTTP", "RESP", "EventLoop", "Logging"], swiftSettings: hotPath),
        .executableTarget(name: "tally-web", dependencies: ["App", "Logging"]),

        // Build-time embedding of migrations/*.sql, so the binary finds its
        // schema from any working directory and inside a container.
        .executableTarget(name: "EmbedMigrations", path: "Sources/EmbedMigrations"),
        .plugin(name: "MigrationsPlugin", capability: .buildTool(), dependencies: ["EmbedMigrations"]),

        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "RESPTests", dependencies: ["RESP"]),
        .testTarget(name: "EventLoopTests", dependencies: ["EventLoop"]),
        .testTarget(name: "RESPServerTests", dependencies: ["RESPServer"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP"]),
        .testTarget(name: "AppTests", dependencies: ["App"]),
        .testTarget(name: "IntegrationTests", dependencies: ["RESP"], exclude: ["Corpus"]),
        .testTarget(name: "WebIntegrationTests"),

        // libFuzzer targets as plain functions; Fuzz/build.sh links one fuzzer
        // binary per function (SwiftPM cannot link `-sanitize=fuzzer` executables).
        .target(
            name: "FuzzTargets",
            dependencies: ["RESP", "HTTP", "RESPServer", "Store", "EventLoop"],
            path: "Fuzz/Sources/FuzzTargets"
        ),
        // Every crash or hang the fuzzers found, as a test of the correct behaviour.
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzTargets", "RESP", "HTTP", "RESPServer"]),
    ],
    swiftLanguageModes: [.v6]
)
