import RESP
import Store

/// AUTH, with the default user only (no ACL users), as Redis does when only
/// `requirepass` is set.
enum AuthenticationCommands {
    static func auth(_ c: inout CommandContext) throws {
        guard c.count <= 3 else { throw RedisError.syntax }
        if c.count == 2 && c.server.configuration.requirePass == nil {
            throw RedisError.custom("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
        }
        let user = c.count == 3 ? c.arguments[1] : ArraySlice("default".utf8)
        let password = c.arguments[c.count - 1]
        try c.server.authenticate(c.client, user: user, password: password)
        c.client.reply.simpleString("OK")
    }
}

extension Server {
    /// Checks `user`/`password` and marks the client authenticated, or
    /// throws WRONGPASS. The comparison takes the same time wherever the
    /// first difference is, so timing does not reveal the password.
    func authenticate(_ client: Client, user: ArraySlice<UInt8>, password: ArraySlice<UInt8>) throws(RedisError) {
        let isDefault = user.elementsEqual("default".utf8)
        let matches: Bool
        if let expected = configuration.requirePass {
            matches = Server.constantTimeEquals(Array(expected.utf8), Array(password))
        } else {
            // No password: the default user is `nopass` and accepts any.
            matches = true
        }
        guard isDefault && matches else {
            throw .custom("WRONGPASS invalid username-password pair or user is disabled.")
        }
        client.authenticated = true
        client.parser.limits.unauthenticated = false
    }

    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let length = max(a.count, b.count)
        for index in 0..<length {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0 && a.count == b.count
    }

    /// True when commands other than AUTH, HELLO, QUIT and RESET must wait for AUTH.
    func requiresAuthentication(_ client: Client) -> Bool {
        configuration.requirePass != nil && !client.authenticated
    }
}
