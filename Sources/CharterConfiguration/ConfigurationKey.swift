// One key of a configuration file (`tls.clientauth.type`), with what Charter does when it is set.
// Keys are the classes of a table (`ConfigurationKeys`): nothing a configuration asks for is
// ignored without that table saying so and why.

/// A configuration key and its treatment.
public struct ConfigurationKey: Sendable, Hashable {
    /// What Charter does with a key.
    public enum Treatment: Sendable, Hashable {
        /// Read and acted on.
        case honoured
        /// Accepted, changes nothing; the text says why (read only by a feature that is off, …).
        case noEffect(String)
        /// Not implemented: a value outside ``ConfigurationKey/inert`` stops the start; the text
        /// says what to do instead.
        case refused(String)
    }

    /// The dotted path, in lower case as fabric-ca's configuration reader matches keys; `*`
    /// stands for any one element (`signing.profiles.*.usage`).
    public var path: String
    /// What Charter does with it.
    public var treatment: Treatment
    /// For a refused key: the values that ask for nothing (fabric-ca's default, `false`, empty),
    /// compared in lower case. An absent, null or empty value is always inert.
    public var inert: [String]
    /// The value is read whole (a list of records, a tree of names): the key is not descended into.
    public var isWhole: Bool
    /// A flag given without a value means `true` (`--cfg.identities.allowremove`).
    public var isBoolean: Bool
    /// A value from a flag or the environment is a comma-separated list.
    public var isList: Bool
    /// The environment variable when it is not the prefix and the path in upper case with `_`
    /// for `.` (fabric-ca's own exceptions).
    public var environment: String?

    /// Creates a key.
    public init(
        _ path: String,
        _ treatment: Treatment = .honoured,
        inert: [String] = [],
        isWhole: Bool = false,
        isBoolean: Bool = false,
        isList: Bool = false,
        environment: String? = nil
    ) {
        self.path = path.lowercased()
        self.treatment = treatment
        self.inert = inert.map { $0.lowercased() }
        self.isWhole = isWhole
        self.isBoolean = isBoolean
        self.isList = isList
        self.environment = environment
    }

    /// The path's elements.
    var elements: [Substring] { path.split(separator: ".") }

    /// True when `elements` (lower case) name this key.
    func matches(_ names: [String]) -> Bool {
        let own = elements
        return own.count == names.count && zip(own, names).allSatisfy { $0 == "*" || $0 == $1 }
    }
}
