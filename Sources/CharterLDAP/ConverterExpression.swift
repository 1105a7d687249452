// fabric-ca's LDAP attribute converters: small expressions (govaluate's language) that turn a
// directory entry into a Fabric attribute, e.g. `attr("uid") =~ "revoker*"` for `hf.Revoker` or
// `map(attr("member"), "groups")` for `hf.Registrar.Roles`. Parsed once at start into a tree and
// evaluated per entry; no text is ever executed as code.
//
// The language kept is what converters use: string ('…' or "…"), number and boolean literals; the
// variables `DN` and `affiliation`; the functions `attr(name[, separator])`, `map(text, mapName)`
// and `if(condition, then, else)`; `==`, `!=`, `<`, `<=`, `>`, `>=`, `=~` and `!~` (unanchored
// regular-expression match, as govaluate's), `&&`, `||`, `!`, unary `-`, `+` (numbers add,
// strings join), `-`, `*`, `/`, `in` with a parenthesised list, and parentheses.

import CharterCore

/// A parsed converter expression.
public indirect enum ConverterExpression: Sendable, Hashable {
    case literal(ConverterValue)
    case variable(String)
    case call(String, [ConverterExpression])
    case list([ConverterExpression])
    case unary(String, ConverterExpression)
    case binary(String, ConverterExpression, ConverterExpression)

    /// Parses `text`; throws a configuration error naming the attribute and what is wrong.
    public init(parsing text: String, attribute: String) throws {
        var parser = Parser(tokens: try Self.tokens(text, attribute: attribute), attribute: attribute)
        self = try parser.expression()
        guard parser.isAtEnd else { throw parser.failure("unexpected '\(parser.peekText)'") }
        try Self.checkFunctions(self, attribute: attribute)
    }

    /// The functions a converter may call and how many arguments each takes.
    static let functions: [String: ClosedRange<Int>] = ["attr": 1...2, "map": 2...2, "if": 3...3]

    static func checkFunctions(_ expression: ConverterExpression, attribute: String) throws {
        switch expression {
        case .literal, .variable: return
        case .call(let name, let arguments):
            guard let arity = functions[name] else {
                throw CharterError(.configuration, "Converter of '\(attribute)': unknown function '\(name)'")
            }
            guard arity.contains(arguments.count) else {
                throw CharterError(
                    .configuration,
                    "Converter of '\(attribute)': '\(name)' takes \(arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : "\(arity.lowerBound) or \(arity.upperBound)") arguments, not \(arguments.count)"
                )
            }
            for argument in arguments { try checkFunctions(argument, attribute: attribute) }
        case .list(let items): for item in items { try checkFunctions(item, attribute: attribute) }
        case .unary(_, let operand): try checkFunctions(operand, attribute: attribute)
        case .binary(_, let left, let right):
            try checkFunctions(left, attribute: attribute)
            try checkFunctions(right, attribute: attribute)
        }
    }

    // MARK: - Tokens

    enum Token: Hashable {
        case string(String)
        case number(Double)
        case name(String)
        case symbol(String)
    }

    static let symbols = [
        "==", "!=", "<=", ">=", "=~", "!~", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "(", ")", ",",
    ]

    static func tokens(_ text: String, attribute: String) throws -> [Token] {
        func failure(_ why: String) -> CharterError {
            CharterError(.configuration, "Converter of '\(attribute)' ('\(PathElement.printable(text))'): \(why)")
        }
        guard text.utf8.count <= 4096 else { throw failure("longer than 4096 bytes") }
        var tokens: [Token] = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.properties.isWhitespace {
                index += 1
            } else if scalar == "\"" || scalar == "'" {
                var value = ""
                index += 1
                while index < scalars.count, scalars[index] != scalar {
                    if scalars[index] == "\\", index + 1 < scalars.count { index += 1 }
                    value.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard index < scalars.count else { throw failure("a string is not closed") }
                index += 1
                tokens.append(.string(value))
            } else if ("0"..."9").contains(scalar) {
                var digits = ""
                while index < scalars.count, ("0"..."9").contains(scalars[index]) || scalars[index] == "." {
                    digits.unicodeScalars.append(scalars[index])
                    index += 1
                }
                guard let number = Double(digits) else { throw failure("'\(digits)' is not a number") }
                tokens.append(.number(number))
            } else if scalar.properties.isAlphabetic || scalar == "_" {
                var name = ""
                while index < scalars.count,
                    scalars[index].properties.isAlphabetic || scalars[index] == "_" || scalars[index] == "."
                        || ("0"..."9").contains(scalars[index])
                {
                    name.unicodeScalars.append(scalars[index])
                    index += 1
                }
                tokens.append(.name(name))
            } else {
                let rest = String(String.UnicodeScalarView(scalars[index..<min(index + 2, scalars.count)]))
                guard let symbol = symbols.first(where: { rest.hasPrefix($0) }) else {
                    throw failure("unexpected '\(scalar)'")
                }
                tokens.append(.symbol(symbol))
                index += symbol.unicodeScalars.count
            }
        }
        return tokens
    }

    // MARK: - Parsing (lowest precedence first)

    struct Parser {
        let tokens: [Token]
        let attribute: String
        var position = 0
        /// Nesting depth, bounded so no expression can exhaust the stack.
        var depth = 0

        init(tokens: [Token], attribute: String) {
            self.tokens = tokens
            self.attribute = attribute
        }

        var isAtEnd: Bool { position >= tokens.count }
        var peekText: String {
            guard position < tokens.count else { return "end" }
            switch tokens[position] {
            case .string(let text): return "\"\(text)\""
            case .number(let number): return "\(number)"
            case .name(let name), .symbol(let name): return name
            }
        }

        func failure(_ why: String) -> CharterError {
            CharterError(.configuration, "Converter of '\(attribute)': \(why)")
        }

        mutating func take(_ symbol: String) -> Bool {
            guard position < tokens.count, tokens[position] == .symbol(symbol) else { return false }
            position += 1
            return true
        }

        mutating func takeName(_ name: String) -> Bool {
            guard position < tokens.count, tokens[position] == .name(name) else { return false }
            position += 1
            return true
        }

        mutating func expression() throws -> ConverterExpression {
            depth += 1
            defer { depth -= 1 }
            guard depth <= 64 else { throw failure("nested more than 64 deep") }
            return try or()
        }

        mutating func or() throws -> ConverterExpression {
            var left = try and()
            while take("||") { left = .binary("||", left, try and()) }
            return left
        }

        mutating func and() throws -> ConverterExpression {
            var left = try comparison()
            while take("&&") { left = .binary("&&", left, try comparison()) }
            return left
        }

        mutating func comparison() throws -> ConverterExpression {
            var left = try additive()
            while true {
                if let symbol = ["==", "!=", "<=", ">=", "=~", "!~", "<", ">"].first(where: { take($0) }) {
                    left = .binary(symbol, left, try additive())
                } else if takeName("in") {
                    left = .binary("in", left, try additive())
                } else {
                    return left
                }
            }
        }

        mutating func additive() throws -> ConverterExpression {
            var left = try multiplicative()
            while let symbol = ["+", "-"].first(where: { take($0) }) {
                left = .binary(symbol, left, try multiplicative())
            }
            return left
        }

        mutating func multiplicative() throws -> ConverterExpression {
            var left = try prefix()
            while let symbol = ["*", "/"].first(where: { take($0) }) {
                left = .binary(symbol, left, try prefix())
            }
            return left
        }

        mutating func prefix() throws -> ConverterExpression {
            if take("!") { return .unary("!", try prefix()) }
            if take("-") { return .unary("-", try prefix()) }
            return try primary()
        }

        mutating func primary() throws -> ConverterExpression {
            guard position < tokens.count else { throw failure("the expression ends too early") }
            let token = tokens[position]
            position += 1
            switch token {
            case .string(let text): return .literal(.string(text))
            case .number(let number): return .literal(.number(number))
            case .name("true"): return .literal(.bool(true))
            case .name("false"): return .literal(.bool(false))
            case .name(let name):
                guard take("(") else { return .variable(name) }
                var arguments: [ConverterExpression] = []
                if !take(")") {
                    repeat { arguments.append(try expression()) } while take(",")
                    guard take(")") else { throw failure("'\(name)(' is not closed") }
                }
                return .call(name, arguments)
            case .symbol("("):
                var items = [try expression()]
                while take(",") { items.append(try expression()) }
                guard take(")") else { throw failure("a parenthesis is not closed") }
                return items.count == 1 ? items[0] : .list(items)
            case .symbol(let symbol):
                throw failure("unexpected '\(symbol)'")
            }
        }
    }
}
