import Foundation

/// The article's Flask app from compat/flask-app, unmodified, run with the venv's Python.
/// It reaches `redis:6379` by name, so it runs in a namespace whose /etc/hosts maps `redis`.
final class FlaskApp: Sendable {
    enum Server {
        /// `python app.py`, as the article's Dockerfile runs it: Flask's dev server on 0.0.0.0:5000.
        case articleMain
        /// gunicorn bound to one address, port 5000.
        case gunicorn(bind: String)
    }

    let child: ChildProcess
    /// Where it answers, from inside its namespace.
    let url: String

    init(_ server: Server, on host: Host) throws {
        let directory = Paths.inPackage("compat/flask-app")
        switch server {
        case .articleMain:
            let python = try Paths.venvTool("python", package: "Flask and redis")
            _ = try Paths.venvTool("flask", package: "Flask")
            child = try host.spawn(python, ["app.py"], workingDirectory: directory, environment: cleanEnvironment())
            url = "http://127.0.0.1:5000"
        case .gunicorn(let address):
            let gunicorn = try Paths.venvTool("gunicorn", package: "gunicorn")
            child = try host.spawn(gunicorn, ["--chdir", directory, "--bind", "\(address):5000", "--workers", "1", "app:app"],
                                   workingDirectory: directory, environment: cleanEnvironment())
            url = "http://\(address):5000"
        }
        // An unknown path answers 404 from Flask itself, without touching the counter.
        guard try Curl.waitFor(status: 404, at: "\(url)/ready-probe", on: host, timeout: 30) != nil else {
            child.stop(grace: 2)
            throw HarnessError("the article's Flask app did not answer on \(url) within 30 s; \(child.output)")
        }
    }

    @discardableResult
    func stop() -> Termination { child.stop() }
}

/// The article's page under Python 3: `redis.get` returns bytes, shown as b'N'.
func articlePage(_ count: Int) -> String {
    "This Compose/Flask demo has been viewed b'\(count)' time(s)."
}
