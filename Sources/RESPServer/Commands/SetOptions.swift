import RESP
import Store

/// SET's options, parsed as Redis's `parseExtendedStringArgumentsOrReply`.
struct SetOptions {
    enum Condition { case none, nx, xx }
    enum Unit { case seconds, milliseconds }

    var condition = Condition.none
    var get = false
    var keepTTL = false
    /// The argument holding the expiry, its unit, and whether it counts from now.
    var expireArgument: Int?
    var unit = Unit.seconds
    var relative = true

    init() {}

    init(expireArgument: Int, unit: Unit, relative: Bool) {
        self.expireArgument = expireArgument
        self.unit = unit
        self.relative = relative
    }

    static func parse(_ c: inout CommandContext, from start: Int, allowGet: Bool) throws(RedisError) -> SetOptions {
        var options = SetOptions()
        var index = start
        while index < c.count {
            let hasNext = index + 1 < c.count
            let expirySet = options.expireArgument != nil
            // Redis lets an expiry option repeat (the last wins) but not mix with another kind.
            let sameKind = expiryOption(c, index).map { $0 == (options.unit, options.relative) } ?? false
            if c.isOption(index, "nx") && options.condition != .xx {
                options.condition = .nx
            } else if c.isOption(index, "xx") && options.condition != .nx {
                options.condition = .xx
            } else if c.isOption(index, "get") && allowGet {
                options.get = true
            } else if c.isOption(index, "keepttl") && !expirySet {
                options.keepTTL = true
            } else if hasNext && !options.keepTTL && (!expirySet || sameKind), let (unit, relative) = expiryOption(c, index) {
                options.expireArgument = index + 1
                options.unit = unit
                options.relative = relative
                index += 1
            } else {
                throw .syntax
            }
            index += 1
        }
        return options
    }

    static func expiryOption(_ c: CommandContext, _ index: Int) -> (Unit, Bool)? {
        if c.isOption(index, "ex") { return (.seconds, true) }
        if c.isOption(index, "px") { return (.milliseconds, true) }
        if c.isOption(index, "exat") { return (.seconds, false) }
        if c.isOption(index, "pxat") { return (.milliseconds, false) }
        return nil
    }

    /// The absolute deadline in Unix ms, checked as `getExpireMillisecondsOrReply`.
    func deadline(_ c: inout CommandContext) throws(RedisError) -> Int64? {
        guard let expireArgument else { return nil }
        var milliseconds = try c.integer(expireArgument)
        if milliseconds <= 0 || (unit == .seconds && milliseconds > Int64.max / 1000) {
            throw .invalidExpireTime(command: c.spec.fullName)
        }
        if unit == .seconds { milliseconds *= 1000 }
        // Redis adds without an overflow check and rejects what wraps negative.
        if relative { milliseconds = milliseconds &+ c.now }
        if milliseconds <= 0 { throw .invalidExpireTime(command: c.spec.fullName) }
        return milliseconds
    }
}
