/// One parsed HTTP/1.x request.
package struct HTTPRequest: Sendable, Equatable {
    package var method: String
    /// The request target as sent (`/`, `/readyz?x=1`).
    package var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    package var minorVersion: Int
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    /// The target without its query string; an absolute-form target
    /// (`http://host/path`, RFC 9112 §3.2.2) reduced to its path.
    package var path: Substring {
        var target = Substring(self.target)
        if let scheme = target.firstRange(of: "://"), target[..<scheme.lowerBound].allSatisfy({ $0.isLetter }) {
            let afterAuthority = target[scheme.upperBound...]
            target = afterAuthority.firstIndex(where: { $0 == "/" || $0 == "?" }).map { afterAuthority[$0...] } ?? "/"
            if target.hasPrefix("?") { return "/" }
        }
        return target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    }

    /// The first value of a header, by case-insensitive name.
    package func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// HTTP/1.1 keeps the connection unless told to close; 1.0 only when asked.
    /// Repeated `Connection` lines form one list (RFC 9110 §5.3).
    package var keepAlive: Bool {
        let connection = headers.filter { $0.name.lowercased() == "connection" }.map { $0.value.lowercased() }
        let tokens = connection.flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces() }
        if minorVersion >= 1 { return !tokens.contains("close") }
        return tokens.contains("keep-alive")
    }

    package static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
        a.method == b.method && a.target == b.target && a.minorVersion == b.minorVersion && a.body == b.body
            && a.headers.elementsEqual(b.headers) { $0.name == $1.name && $0.value == $1.value }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
