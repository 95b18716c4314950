import EventLoop
import RESP

/// Socket work: accepting, reading into a client's input, writing replies.
extension Server {
    /// Bytes read per call, and at most per client per turn, so one busy
    /// pipeline cannot starve the others.
    static let readChunk = 64 * 1024
    static let readBudgetPerTurn = 1024 * 1024

    func acceptClients() {
        guard let listener else { return }
        // Bounded, so a flood of connections cannot hold the loop.
        for _ in 0..<64 {
            let accepted: (fd: Int32, peer: SocketAddress)?
            do {
                accepted = try listener.accept()
            } catch {
                logger.warning("accept failed; pausing accepts for 100 ms", ["error": error.description])
                stats.rejectedConnections += 1
                listener.pauseAccepting(on: loop, milliseconds: 100)
                return
            }
            guard let (fd, peer) = accepted else { return }
            if let refusal = admissionError(for: peer) {
                // Written straight to the new socket, which has room for one line.
                var line = Array("-\(refusal)\r\n".utf8)
                _ = line.withUnsafeMutableBytes { try? Socket.write(fd, UnsafeRawBufferPointer($0)) }
                Socket.close(fd)
                stats.rejectedConnections += 1
                continue
            }
            Socket.setNoDelay(fd)
            let now = EventLoop.wallClockMilliseconds()
            let client = Client(id: nextClientID, fd: fd, peer: peer, local: listener.localAddress,
                                now: now, limits: configuration.limits)
            nextClientID += 1
            do {
                try loop.register(fd, interest: .read, handler: ClientEvents(server: self, client: client))
            } catch {
                logger.warning("cannot watch client", ["addr": peer.description, "error": error.description])
                Socket.close(fd)
                continue
            }
            if configuration.requirePass != nil {
                client.authenticated = false
                client.parser.limits.unauthenticated = true
            }
            clients[fd] = client
            stats.totalConnections += 1
        }
    }

    func clientReady(_ client: Client, _ events: ReadyEvents) {
        if events.isWritable && client.hasUnsentOutput {
            flush(client)
            if client.isClosed { return }
        }
        guard events.isReadable || events.isHangup else { return }
        var total = 0
        reading: while total < Server.readBudgetPerTurn {
            let result: IOResult
            do {
                result = try Socket.read(client.fd, appendingTo: &client.input, maxBytes: Server.readChunk)
            } catch {
                logger.debug("read failed", ["addr": client.peer.description, "error": error.description])
                close(client)
                return
            }
            switch result {
            case .bytes(let count):
                total += count
                // A short read means the socket is drained for now.
                if count < Server.readChunk { break reading }
            case .wouldBlock:
                break reading
            case .closed:
                // Commands already read still run; the connection closes after their replies.
                client.closeAfterReply = true
                if client.readOffset == client.input.count && !client.hasUnsentOutput {
                    close(client)
                    return
                }
                try? loop.update(client.fd, interest: [])
                break reading
            }
        }
        if !client.isPending {
            client.isPending = true
            pending.append(client)
        }
    }

    /// Writes as much of the client's committed replies as the socket takes.
    func flush(_ client: Client) {
        guard !client.isClosed else { return }
        while client.hasUnsentOutput {
            let offset = client.sentOffset
            let written = client.reply.bytes.withUnsafeBytes { buffer in
                Result { () throws(SystemError) -> IOResult in
                    try Socket.write(client.fd, UnsafeRawBufferPointer(rebasing: buffer[offset...]))
                }
            }
            let result: IOResult
            switch written {
            case .success(let value):
                result = value
            case .failure(let error):
                logger.debug("write failed", ["addr": client.peer.description, "error": error.description])
                close(client)
                return
            }
            switch result {
            case .bytes(let count):
                client.sentOffset += count
            case .wouldBlock:
                if !client.wantsWrite {
                    client.wantsWrite = true
                    try? loop.update(client.fd, interest: client.closeAfterReply ? .write : [.read, .write])
                }
                return
            case .closed:
                close(client)
                return
            }
        }
        client.reply.removeAll()
        client.sentOffset = 0
        if client.inputDeferred {
            client.inputDeferred = false
            try? loop.update(client.fd, interest: .read)
            client.wantsWrite = false
            if !client.isPending && client.readOffset < client.input.count {
                client.isPending = true
                pending.append(client)
                // Its input is already here: make the next turn come at once.
                loop.after(milliseconds: 0) {}
            }
        }
        if client.closeAfterReply {
            close(client)
            return
        }
        if client.wantsWrite {
            client.wantsWrite = false
            try? loop.update(client.fd, interest: .read)
        }
    }

    func close(_ client: Client) {
        guard !client.isClosed else { return }
        client.isClosed = true
        if !client.watched.isEmpty { unwatchAll(client) }
        loop.unregister(client.fd)
        Socket.close(client.fd)
        clients[client.fd] = nil
    }
}

extension Server {
    /// Why a new connection is refused, in Redis's words, or nil.
    func admissionError(for peer: SocketAddress) -> String? {
        if clients.count >= configuration.maxClients { return "ERR max number of clients reached" }
        if configuration.protectedMode && configuration.requirePass == nil && !peer.isLoopback {
            return Server.protectedModeMessage
        }
        return nil
    }

    /// Closes clients idle longer than `timeout` seconds (Redis's `timeout`).
    func closeIdleClients() {
        let limit = Int64(configuration.idleTimeoutSeconds) * 1000
        guard limit > 0 else { return }
        let now = EventLoop.wallClockMilliseconds()
        for client in Array(clients.values) where !client.isMonitor && now - client.lastInteraction > limit {
            logger.debug("closing idle client", ["addr": client.peer.description])
            close(client)
        }
    }

    static let protectedModeMessage = "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside."
}

extension SocketAddress {
    /// 127.0.0.0/8, ::1, or an IPv4-mapped loopback address.
    var isLoopback: Bool {
        let host = self.host
        return host.hasPrefix("127.") || host == "::1" || host.hasPrefix("::ffff:127.")
    }
}
