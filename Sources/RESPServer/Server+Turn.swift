import EventLoop
import RESP
import Store
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The group-commit turn: parse and execute every pending client's
/// commands, commit once, then release the replies.
extension Server {
    func endTurn() {
        var index = 0
        // Indexing, not iteration: a command (CLIENT KILL) may close a client mid-turn.
        while index < pending.count {
            let client = pending[index]
            if !client.isClosed {
                if client.reply.bytes.count - client.sentOffset > configuration.outputBackpressureBytes {
                    // The client is not reading its replies: stop reading its
                    // commands until they drain (flush resumes it).
                    client.inputDeferred = true
                    try? loop.update(client.fd, interest: .write)
                } else {
                    processInput(client)
                }
            }
            index += 1
        }
        commitTurn()
        // Flushing may queue a drained client again for the next turn.
        let turn = pending
        pending.removeAll(keepingCapacity: true)
        for client in turn {
            client.isPending = false
            client.turnRecords.removeAll(keepingCapacity: true)
            guard !client.isClosed else { continue }
            if client.reply.bytes.count - client.sentOffset > configuration.outputLimitBytes {
                logger.warning("closing client over the output buffer limit", [
                    "addr": client.peer.description, "bytes": String(client.reply.bytes.count - client.sentOffset)])
                close(client)
                continue
            }
            flush(client)
        }
    }

    /// The turn's transaction, opened lazily at its first data command: a
    /// read transaction for reads (one snapshot and one WAL lock for the
    /// turn), a write transaction (BEGIN IMMEDIATE, waiting for an outside
    /// writer) from its first write on. A read transaction is ended before
    /// the write one starts rather than upgraded, since an upgrade cannot
    /// wait for an outside writer.
    private func openTransaction(for spec: CommandSpec) throws(SQLiteError) {
        if spec.flags.contains(.write) {
            guard !keyspace.isWriteTransaction else { return }
            if keyspace.inTransaction { try keyspace.commit() }
            try keyspace.beginWrite()
        } else if spec.flags.contains(.readonly) && !keyspace.inTransaction {
            try keyspace.beginRead()
        }
    }

    /// Commits the turn's write transaction; if that fails, every reply that
    /// depended on it becomes an error and nothing is acknowledged.
    private func commitTurn() {
        guard keyspace.inTransaction else { return }
        guard keyspace.isWriteTransaction else {
            // Nothing was written: ending the read snapshot cannot lose anything.
            if (try? keyspace.commit()) == nil { keyspace.rollback() }
            return
        }
        let started = Server.monotonicMicroseconds()
        do {
            try keyspace.commit()
            stats.commits += 1
            stats.committedCommands += commandsInTransaction
            stats.lastCommitMicroseconds = Server.monotonicMicroseconds() - started
            stats.lastCommitTime = EventLoop.wallClockMilliseconds() / 1000
        } catch {
            keyspace.rollback()
            stats.failedCommits += 1
            stats.lastCommitError = error.message
            logger.error("commit failed", ["error": error.description])
            failTurn(reason: error.message)
        }
        commandsInTransaction = 0
    }

    /// Parses and runs the client's complete commands, in order.
    private func processInput(_ client: Client) {
        while !client.isClosed && !(client.closeAfterReply && client.transaction == nil && client.readOffset >= client.input.count) {
            let offset = client.readOffset
            let parsed: Int?
            do {
                parsed = try parse(client, at: offset)
            } catch {
                // Redis answers the malformed frame, then closes this connection only.
                logger.debug("protocol error", ["addr": client.peer.description, "error": error.message])
                let start = client.reply.bytes.count
                client.reply.error("ERR \(error.message)")
                client.turnRecords.append(TurnRecord(start: start, end: client.reply.bytes.count, accessesData: false))
                client.closeAfterReply = true
                client.input.removeAll(keepingCapacity: false)
                client.readOffset = 0
                return
            }
            guard let consumed = parsed else { break }
            client.readOffset += consumed
            if client.arguments.isEmpty { continue }
            dispatch(client)
            if client.closeAfterReply && !client.isClosed {
                // QUIT: nothing after it runs.
                client.readOffset = client.input.count
            }
        }
        compactInput(client)
    }

    /// Parses one command at `offset` of the client's input into its arguments.
    private func parse(_ client: Client, at offset: Int) throws(ProtocolError) -> Int? {
        let result = client.input.withUnsafeBytes { buffer in
            Result { () throws(ProtocolError) -> Int? in
                try client.parser.parse(UnsafeRawBufferPointer(rebasing: buffer[offset...]), into: &client.arguments)
            }
        }
        return try result.get()
    }

    /// Microseconds of CLOCK_MONOTONIC, for commit latency.
    static func monotonicMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
    }

    /// Drops parsed bytes, keeping the buffer's capacity for the next read.
    private func compactInput(_ client: Client) {
        if client.input.count - client.readOffset > configuration.queryBufferLimitBytes {
            logger.warning("closing client over the query buffer limit", ["addr": client.peer.description])
            close(client)
            return
        }
        if client.readOffset >= client.input.count {
            client.input.removeAll(keepingCapacity: client.input.capacity <= 1 << 20)
            client.readOffset = 0
        } else if client.readOffset > 0 {
            client.input.removeFirst(client.readOffset)
            client.readOffset = 0
        }
    }

    /// Looks the command up, checks it, and queues it (inside MULTI) or runs it.
    private func dispatch(_ client: Client) {
        let start = client.reply.bytes.count
        var accessesData = false
        defer {
            client.turnRecords.append(TurnRecord(start: start, end: client.reply.bytes.count, accessesData: accessesData))
            if turnRolledBack {
                turnRolledBack = false
                failTurn(reason: "the write transaction was rolled back")
            }
        }
        client.lastInteraction = EventLoop.wallClockMilliseconds()
        let spec: CommandSpec
        switch CommandTable.resolve(client.arguments) {
        case .success(let found):
            spec = found
        case .failure(let error):
            reject(client, error.wireBytes, isExec: CommandTable.lookup(client.arguments[0])?.name == "exec")
            return
        }
        if requiresAuthentication(client) && !spec.flags.contains(.noAuth) {
            reject(client, Array("NOAUTH Authentication required.".utf8), isExec: spec.name == "exec")
            return
        }
        if client.transaction != nil && !spec.flags.contains(.noQueue) {
            if spec.flags.contains(.noMulti) {
                client.transactionDirty = true
                client.reply.error("ERR Command not allowed inside a transaction")
                return
            }
            client.transaction?.append(QueuedCommand(spec: spec, arguments: client.arguments))
            client.reply.simpleString("QUEUED")
            return
        }
        accessesData = spec.flags.accessesData || spec.name == "exec"
        execute(spec, arguments: client.arguments, for: client)
    }

    /// A command refused before it runs (unknown, wrong arity, no AUTH), as
    /// Redis's `rejectCommand`: inside MULTI it dooms the transaction, and a
    /// refused EXEC discards it at once with EXECABORT.
    private func reject(_ client: Client, _ error: [UInt8], isExec: Bool) {
        guard isExec else {
            if client.transaction != nil { client.transactionDirty = true }
            client.reply.error(bytes: error)
            return
        }
        client.transaction = nil
        client.transactionDirty = false
        if !client.watched.isEmpty || client.watchDirty { unwatchAll(client) }
        // Redis quotes the error without its "ERR " code.
        let reason = error.starts(with: "ERR ".utf8) ? Array(error.dropFirst(4)) : error
        client.reply.error(bytes: Array("EXECABORT Transaction discarded because of: ".utf8) + reason)
    }

    /// Runs one resolved command and writes its reply (or its error).
    func execute(_ spec: CommandSpec, arguments: Arguments, for client: Client) {
        // Counted once done, as Redis does: INFO does not count itself.
        defer { stats.totalCommands += 1 }
        client.lastCommand = spec.fullName
        guard let handler = spec.handler else {
            client.reply.error(bytes: RedisError.unknownSubcommand(command: spec.name, subcommand: []).wireBytes)
            return
        }
        do {
            try openTransaction(for: spec)
        } catch {
            client.reply.error(RedisError.storage(error.message).wireText)
            return
        }
        let wasInTransaction = keyspace.isWriteTransaction
        var context = CommandContext(server: self, client: client, arguments: arguments, spec: spec,
                                     now: EventLoop.wallClockMilliseconds())
        let started = configuration.slowlogThresholdMicroseconds >= 0 ? Server.monotonicMicroseconds() : 0
        defer {
            if configuration.slowlogThresholdMicroseconds >= 0 {
                let duration = Server.monotonicMicroseconds() - started
                if duration > configuration.slowlogThresholdMicroseconds { recordSlow(spec, arguments, duration: duration, client: client) }
            }
        }
        do {
            try handler(&context)
        } catch let error as RedisError {
            client.reply.error(error.wireText)
        } catch {
            client.reply.error("ERR \(error)")
        }
        if !monitors.isEmpty { feedMonitors(spec, arguments, from: client) }
        if wasInTransaction {
            if spec.flags.contains(.write) { commandsInTransaction += 1 }
            if keyspace.writeTransactionWasLost {
                // SQLite rolled the transaction back (disk full, I/O error):
                // every earlier write of this turn is gone with it.
                turnRolledBack = true
                keyspace.rollback()
            }
        }
    }

    /// Replaces every reply of this turn that depended on stored data with
    /// an error, so nothing is acknowledged that was not stored.
    func failTurn(reason: String) {
        for client in pending where !client.turnRecords.isEmpty {
            let records = client.turnRecords
            let old = client.reply.bytes
            var rebuilt = ReplyEncoder(protocolVersion: client.protocolVersion)
            rebuilt.bytes = Array(old[0..<records[0].start])
            for record in records {
                if record.accessesData {
                    rebuilt.error(RedisError.commitFailed(reason).wireText)
                } else {
                    rebuilt.bytes.append(contentsOf: old[record.start..<record.end])
                }
            }
            client.reply.bytes = rebuilt.bytes
            client.turnRecords.removeAll(keepingCapacity: true)
        }
        commandsInTransaction = 0
    }
}
