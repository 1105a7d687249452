// What a converter expression evaluates to, and the evaluation itself: the values govaluate
// works with (strings, numbers, booleans, lists), formatted as fabric-ca formats an attribute's
// value (Go's `%v`).

import CharterCore
import Foundation

/// A converter's value.
public enum ConverterValue: Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([ConverterValue])

    /// The attribute value fabric-ca writes for it: Go's `%v` (`true`, `1`, `1.5`, `[a b]`).
    public var text: String {
        switch self {
        case .string(let text): return text
        case .bool(let value): return value ? "true" : "false"
        case .number(let number):
            if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
            return "\(number)"
        case .list(let items): return "[" + items.map(\.text).joined(separator: " ") + "]"
        }
    }
}

/// What an expression reads of one directory entry.
public struct ConverterContext: Sendable {
    /// The entry's distinguished name (`DN`).
    public var dn: String
    /// The entry's affiliation path (`affiliation`), top first.
    public var affiliation: [String]
    /// The entry's attribute values by name.
    public var attributes: [String: [String]]
    /// `attribute.maps`: for each map (lower-case name), its replacements in configuration order.
    public var maps: [String: [(name: String, value: String)]]

    /// Creates a context.
    public init(
        dn: String,
        affiliation: [String],
        attributes: [String: [String]],
        maps: [String: [(name: String, value: String)]]
    ) {
        self.dn = dn
        self.affiliation = affiliation
        self.attributes = attributes
        self.maps = maps
    }

    /// Values of an attribute, its name matched without regard to case as LDAP matches names.
    func values(of name: String) -> [String] {
        if let exact = attributes[name] { return exact }
        let lower = name.lowercased()
        return attributes.first { $0.key.lowercased() == lower }?.value ?? []
    }
}

extension ConverterExpression {
    /// The value for one entry; throws when the types do not fit (a regular expression that does
    /// not compile, `&&` on a string, an unknown map).
    public func evaluate(_ context: ConverterContext) throws -> ConverterValue {
        switch self {
        case .literal(let value):
            return value
        case .variable(let name):
            switch name {
            case "DN": return .string(context.dn)
            case "affiliation": return .list(context.affiliation.map(ConverterValue.string))
            default: throw Self.failure("unknown variable '\(name)'")
            }
        case .list(let items):
            return .list(try items.map { try $0.evaluate(context) })
        case .call(let name, let arguments):
            return try call(name, arguments, context)
        case .unary(let symbol, let operand):
            let value = try operand.evaluate(context)
            switch (symbol, value) {
            case ("!", .bool(let flag)): return .bool(!flag)
            case ("-", .number(let number)): return .number(-number)
            default: throw Self.failure("'\(symbol)' does not apply to \(value.text)")
            }
        case .binary(let symbol, let left, let right):
            return try binary(symbol, left, right, context)
        }
    }

    func call(_ name: String, _ arguments: [ConverterExpression], _ context: ConverterContext) throws -> ConverterValue
    {
        let values = try arguments.map { try $0.evaluate(context) }
        func string(_ index: Int) -> String? {
            guard index < values.count, case .string(let text) = values[index] else { return nil }
            return text
        }
        switch name {
        case "attr":
            guard let attribute = string(0), values.count == 1 || string(1) != nil else { break }
            return .string(context.values(of: attribute).joined(separator: string(1) ?? ","))
        case "map":
            guard var text = string(0), let mapName = string(1), values.count == 2 else { break }
            guard let map = context.maps[mapName.lowercased()] else {
                throw Self.failure("unknown map name '\(mapName)'")
            }
            for (from, to) in map where !from.isEmpty { text = text.replacingOccurrences(of: from, with: to) }
            return .string(text)
        case "if":
            guard values.count == 3, case .bool(let condition) = values[0] else { break }
            return condition ? values[1] : values[2]
        default:
            break
        }
        throw Self.failure("\(name)(…) got arguments of the wrong types")
    }

    func binary(
        _ symbol: String,
        _ left: ConverterExpression,
        _ right: ConverterExpression,
        _ context: ConverterContext
    ) throws -> ConverterValue {
        let a = try left.evaluate(context)
        // `&&` and `||` stop early, as govaluate does.
        if symbol == "&&" || symbol == "||" {
            guard case .bool(let first) = a else { throw Self.failure("'\(symbol)' needs booleans") }
            if symbol == "&&" && !first { return .bool(false) }
            if symbol == "||" && first { return .bool(true) }
            guard case .bool(let second) = try right.evaluate(context) else {
                throw Self.failure("'\(symbol)' needs booleans")
            }
            return .bool(second)
        }
        let b = try right.evaluate(context)
        switch (symbol, a, b) {
        case ("==", _, _): return .bool(a == b)
        case ("!=", _, _): return .bool(a != b)
        case ("=~", .string(let text), .string(let pattern)): return .bool(try Self.matches(text, pattern))
        case ("!~", .string(let text), .string(let pattern)): return .bool(!(try Self.matches(text, pattern)))
        case ("in", _, .list(let items)): return .bool(items.contains(a))
        case ("+", .string(let x), _): return .string(x + b.text)
        case ("+", _, .string(let y)): return .string(a.text + y)
        case (_, .number(let x), .number(let y)):
            switch symbol {
            case "+": return .number(x + y)
            case "-": return .number(x - y)
            case "*": return .number(x * y)
            case "/": return .number(x / y)
            case "<": return .bool(x < y)
            case "<=": return .bool(x <= y)
            case ">": return .bool(x > y)
            case ">=": return .bool(x >= y)
            default: break
            }
        case ("<", .string(let x), .string(let y)): return .bool(x < y)
        case ("<=", .string(let x), .string(let y)): return .bool(x <= y)
        case (">", .string(let x), .string(let y)): return .bool(x > y)
        case (">=", .string(let x), .string(let y)): return .bool(x >= y)
        default: break
        }
        throw Self.failure("'\(symbol)' does not apply to \(a.text) and \(b.text)")
    }

    /// govaluate's `=~`: the pattern found anywhere in the text (not anchored), so `revoker*`
    /// matches `nonrevoker`.
    static func matches(_ text: String, _ pattern: String) throws -> Bool {
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex(pattern)
        } catch {
            throw failure("'\(pattern)' is not a regular expression")
        }
        return text.contains(regex)
    }

    static func failure(_ why: String) -> CharterError {
        CharterError(.configuration, "An LDAP attribute converter failed: \(why)")
    }
}
