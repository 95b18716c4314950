import EventLoop
import RESP
import Store

/// MONITOR: every command the server runs, as Redis prints it:
/// `+1339518083.107412 [0 127.0.0.1:60866] "keys" "*"`.
enum MonitorCommands {
    static func monitor(_ c: inout CommandContext) throws {
        // Queued in MULTI, it fails at EXEC, as Redis answers.
        if c.server.executingTransaction { throw RedisError.custom("ERR MONITOR isn't allowed for DENY BLOCKING client") }
        c.client.isMonitor = true
        c.server.monitors.append(c.client)
        c.client.reply.simpleString("OK")
    }
}

extension Server {
    /// Sends one executed command to every monitor.
    func feedMonitors(_ spec: CommandSpec, _ arguments: Arguments, from client: Client) {
        monitors.removeAll { $0.isClosed }
        guard !monitors.isEmpty, !spec.flags.contains(.admin), spec.name != "monitor" else { return }
        let micros = Server.wallClockMicroseconds()
        var line = "\(micros / 1_000_000).\(String(micros % 1_000_000).leftPadded(to: 6)) [\(client.db) \(client.peer)]"
        for argument in Server.redacted(spec, arguments) {
            line += " "
            line += Server.quoted(argument[...])
        }
        for monitor in monitors {
            monitor.reply.simpleString(line)
            if !monitor.isPending {
                monitor.isPending = true
                pending.append(monitor)
            }
        }
    }

    /// The arguments as MONITOR and SLOWLOG may show them: passwords (all of
    /// AUTH's arguments, HELLO's AUTH pair) become "(redacted)", as in Redis.
    static func redacted(_ spec: CommandSpec, _ arguments: Arguments) -> [[UInt8]] {
        var shown = (0..<arguments.count).map { Array(arguments[$0]) }
        let mask = Array("(redacted)".utf8)
        if spec.name == "auth" {
            for index in 1..<shown.count { shown[index] = mask }
        } else if spec.name == "hello" {
            var index = 2
            while index < shown.count {
                if arguments.equalsIgnoringASCIICase(index, "auth") && index + 2 < shown.count {
                    shown[index + 1] = mask
                    shown[index + 2] = mask
                    index += 3
                } else {
                    index += 1
                }
            }
        }
        return shown
    }

    /// Redis's `sdscatrepr`: double quotes, C escapes, `\xHH` for the rest.
    static func quoted(_ bytes: ArraySlice<UInt8>) -> String {
        var text = "\""
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): text += "\\\\"
            case UInt8(ascii: "\""): text += "\\\""
            case UInt8(ascii: "\n"): text += "\\n"
            case UInt8(ascii: "\r"): text += "\\r"
            case UInt8(ascii: "\t"): text += "\\t"
            case 7: text += "\\a"
            case 8: text += "\\b"
            case 0x20...0x7E: text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16)
                text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return text + "\""
    }

    static func wallClockMicroseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1000
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

#if canImport(Glibc)
@preconcurrency import Glibc
#endif
