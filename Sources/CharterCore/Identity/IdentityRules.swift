// The input rules an identity record passes whichever way it arrives: a register or modify
// request, the configuration's identities, or a row of a fabric-ca registry being imported. One
// validator, so no door lets in what another refuses.

/// Rules on a whole identity record and its attributes.
public enum IdentityRules {
    /// The most attributes one identity may hold (fabric-ca's own reserved ones included).
    public static let maximumAttributes = 64
    /// The longest attribute name, in UTF-8 bytes.
    public static let maximumAttributeNameLength = 128
    /// The longest attribute value, in UTF-8 bytes: values travel in every enrollment certificate.
    public static let maximumAttributeValueLength = 4096

    /// Throws a 400 naming the first rule `identity` breaks: its ID, type, affiliation (names,
    /// depth and NodeOU role names), attributes, stored secret hash, and counters.
    public static func validate(_ identity: Identity) throws {
        try EnrollmentID.validate(identity.id)
        try EnrollmentID.validateType(identity.type)
        // The empty affiliation is the root: the bootstrap admin's.
        if !identity.affiliation.isEmpty { try Affiliation.validate(identity.affiliation) }
        try validate(attributes: identity.attributes)
        try SecretHasher.validateStored(identity.secretHash)
        guard identity.maxEnrollments >= -1, identity.enrollments >= 0, identity.incorrectPasswordAttempts >= 0 else {
            throw CharterError(
                .invalidRequest,
                "Identity '\(PathElement.printable(identity.id))' has a negative enrollment count or limit"
            )
        }
    }

    /// Throws a 400 when the list is too long or any attribute breaks ``validate(attribute:)``.
    public static func validate(attributes: [IdentityAttribute]) throws {
        guard attributes.count <= maximumAttributes else {
            throw CharterError(.invalidRequest, "An identity may have at most \(maximumAttributes) attributes")
        }
        for attribute in attributes { try validate(attribute: attribute) }
    }

    /// Throws a 400 when a name is empty, too long or holds a control character or space, when a
    /// value is too long or holds a control character, or when a reserved boolean power
    /// (`hf.Revoker`, …) has a value Go's `strconv.ParseBool` would not read.
    public static func validate(attribute: IdentityAttribute) throws {
        let name = attribute.name
        guard (1...maximumAttributeNameLength).contains(name.utf8.count),
            !name.unicodeScalars.contains(where: PathElement.isControl), !name.contains(where: \.isWhitespace)
        else {
            throw CharterError(
                .invalidRequest,
                "The attribute name '\(PathElement.printable(name))' is not allowed: 1 to \(maximumAttributeNameLength) bytes without spaces or control characters"
            )
        }
        guard attribute.value.utf8.count <= maximumAttributeValueLength,
            !attribute.value.unicodeScalars.contains(where: PathElement.isControl)
        else {
            throw CharterError(
                .invalidRequest,
                "The value of attribute '\(name)' is not allowed: at most \(maximumAttributeValueLength) bytes without control characters"
            )
        }
        if ReservedAttribute.booleans.contains(name), !attribute.value.isEmpty,
            AccessControl.parseBool(attribute.value) == nil
        {
            throw CharterError(
                .invalidRequest,
                "Attribute '\(name)' takes a boolean value, not '\(PathElement.printable(attribute.value))'"
            )
        }
    }
}
