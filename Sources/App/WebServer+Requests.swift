import EventLoop
import HTTP
import Logging

/// Reading requests, answering them in order, and writing responses.
extension WebServer {
    func connectionReady(_ connection: HTTPConnection, _ events: ReadyEvents) {
        if events.isWritable { flush(connection) }
        guard !connection.isClosed, events.isReadable || events.isHangup, !connection.readPaused else { return }
        let now = EventLoop.monotonicMilliseconds()
        // The most one request may take, so a peer cannot make the buffer grow without bound.
        let bufferLimit = configuration.limits.maxRequestLine + configuration.limits.maxHeaderBytes
            + configuration.limits.maxBodyBytes + 4096
        while connection.input.count < bufferLimit {
            let result: IOResult
            do {
                result = try Socket.read(connection.fd, appendingTo: &connection.input,
                                         maxBytes: min(64 * 1024, bufferLimit - connection.input.count))
            } catch {
                close(connection)
                return
            }
            switch result {
            case .bytes:
                connection.lastActivity = now
                if connection.partialSince == nil { connection.partialSince = now }
                continue
            case .wouldBlock:
                break
            case .closed:
                // The peer is gone: answers to what it sent could not be read.
                close(connection)
                return
            }
            break
        }
        parseRequests(connection)
    }

    private func parseRequests(_ connection: HTTPConnection) {
        let parser = HTTPRequestParser(limits: configuration.limits)
        var offset = 0
        while !connection.closeAfterFlush && connection.inFlight < WebServer.maxInFlight && offset < connection.input.count {
            let start = offset
            let parsed = connection.input.withUnsafeBytes { buffer in
                Result { () throws(HTTPError) -> (HTTPRequest, Int)? in
                    try parser.parse(UnsafeRawBufferPointer(rebasing: buffer[start...]))
                }
            }
            switch parsed {
            case .success(nil):
                break
            case .success(let (request, used)?):
                offset += used
                dispatch(request, on: connection)
                continue
            case .failure(let error):
                connection.input.removeAll()
                offset = 0
                respondWithError(connection, error)
                return
            }
            break
        }
        if offset > 0 { connection.input.removeFirst(offset) }
        connection.partialSince = connection.input.isEmpty ? nil : (connection.partialSince ?? EventLoop.monotonicMilliseconds())
        // Backpressure: stop reading while too many responses are owed.
        let pause = connection.inFlight >= WebServer.maxInFlight || connection.closeAfterFlush
        if pause != connection.readPaused {
            connection.readPaused = pause
            updateInterest(connection)
        }
    }

    private func dispatch(_ request: HTTPRequest, on connection: HTTPConnection) {
        let sequence = connection.nextSequence
        connection.nextSequence += 1
        let keepAlive = request.keepAlive
        if !keepAlive { connection.closeAfterFlush = true }
        connection.slots.append(HTTPConnection.Slot(sequence: sequence, bytes: nil, keepAlive: keepAlive))
        let started = Metrics.now()
        let isHead = request.method == "HEAD"
        routes.respond(to: request) { [weak self, weak connection] response in
            guard let self, let connection, !connection.isClosed else { return }
            var bytes: [UInt8] = []
            // While draining, every answer closes its connection.
            let keepOpen = keepAlive && !self.draining
            response.encode(into: &bytes, keepAlive: keepOpen, includeBody: !isHead)
            let seconds = Double(Metrics.now() - started) / 1e6
            self.routes.metrics.recordRequest(route: Routes.routeLabel(request.path), status: response.status.rawValue,
                                              seconds: seconds)
            self.logger.info("request", [
                "method": request.method, "path": String(request.path.prefix(256)), "status": String(response.status.rawValue),
                "duration_ms": Metrics.format(seconds * 1000), "remote": connection.peer.description,
            ])
            self.complete(sequence, with: bytes, keepAlive: keepOpen, on: connection)
        }
    }

    /// Answers a refused request and closes after writing it.
    func respondWithError(_ connection: HTTPConnection, _ error: HTTPError) {
        logger.info("request refused", ["status": String(error.status.rawValue), "reason": error.reason,
                                        "remote": connection.peer.description])
        routes.metrics.recordRequest(route: "other", status: error.status.rawValue, seconds: 0)
        connection.closeAfterFlush = true
        connection.partialSince = nil
        let sequence = connection.nextSequence
        connection.nextSequence += 1
        connection.slots.append(HTTPConnection.Slot(sequence: sequence, bytes: nil, keepAlive: false))
        var bytes: [UInt8] = []
        HTTPResponse(status: error.status, body: "\(error.status.rawValue) \(error.status.reasonPhrase): \(error.reason)\n")
            .encode(into: &bytes, keepAlive: false)
        complete(sequence, with: bytes, keepAlive: false, on: connection)
    }

    /// Stores a response and writes every response now ready in order.
    private func complete(_ sequence: Int, with bytes: [UInt8], keepAlive: Bool, on connection: HTTPConnection) {
        guard let index = connection.slots.firstIndex(where: { $0.sequence == sequence }) else { return }
        connection.slots[index].bytes = bytes
        connection.slots[index].keepAlive = keepAlive
        var closeAfter = false
        while let first = connection.slots.first, let ready = first.bytes {
            connection.output.append(contentsOf: ready)
            connection.slots.removeFirst()
            if !first.keepAlive {
                closeAfter = true
                connection.slots.removeAll()
                break
            }
        }
        if closeAfter { connection.closeAfterFlush = true }
        flush(connection)
        if !connection.isClosed && connection.readPaused && connection.inFlight < WebServer.maxInFlight && !connection.closeAfterFlush {
            connection.readPaused = false
            updateInterest(connection)
            parseRequests(connection)
        }
    }

    func flush(_ connection: HTTPConnection) {
        guard !connection.isClosed else { return }
        while connection.outputSent < connection.output.count {
            let offset = connection.outputSent
            let result = connection.output.withUnsafeBytes { buffer in
                Result { () throws(SystemError) -> IOResult in
                    try Socket.write(connection.fd, UnsafeRawBufferPointer(rebasing: buffer[offset...]))
                }
            }
            switch result {
            case .success(.bytes(let count)):
                connection.outputSent += count
            case .success(.wouldBlock):
                connection.wantsWrite = true
                updateInterest(connection)
                return
            case .success(.closed), .failure:
                close(connection)
                return
            }
        }
        connection.output.removeAll(keepingCapacity: true)
        connection.outputSent = 0
        connection.lastActivity = EventLoop.monotonicMilliseconds()
        if connection.closeAfterFlush && connection.slots.isEmpty {
            close(connection)
            return
        }
        if connection.wantsWrite {
            connection.wantsWrite = false
            updateInterest(connection)
        }
    }

    private func updateInterest(_ connection: HTTPConnection) {
        var interest: Interest = []
        if !connection.readPaused { interest.insert(.read) }
        if connection.wantsWrite { interest.insert(.write) }
        try? loop.update(connection.fd, interest: interest)
    }
}
