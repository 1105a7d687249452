// What an enrollment ID may be. It becomes a certificate's CN, a Basic-auth user name, a URL path
// element and, on the client, a file name: one rule keeps it safe in all four places.

/// The enrollment ID rules.
public enum EnrollmentID {
    /// The longest ID accepted, in UTF-8 bytes (fabric-ca's `users.id` column holds 255).
    public static let maximumLength = 255

    /// Throws a 400 naming the problem when `id` is not a safe enrollment ID: empty, longer than
    /// ``maximumLength``, with leading or trailing spaces, a control character, `/`, `\`, `:` (it
    /// would split Basic authentication), or `.`/`..` (a path element).
    public static func validate(_ id: String) throws {
        func refuse(_ why: String) -> CharterError {
            CharterError(.invalidRequest, "The enrollment ID '\(PathElement.printable(id))' is not allowed: \(why)")
        }
        if let problem = PathElement.problem(with: id) { throw refuse(problem) }
        guard id.utf8.count <= maximumLength else { throw refuse("it is longer than \(maximumLength) bytes") }
        guard id.first?.isWhitespace == false, id.last?.isWhitespace == false else {
            throw refuse("it starts or ends with a space")
        }
        guard !id.contains(":") else { throw refuse("it contains ':', which would break Basic authentication") }
    }

    /// Throws a 400 when `type` may not be an identity type: it becomes an OU and an entry of
    /// comma-separated `hf.Registrar.Roles` lists, so it has 1 to 64 bytes, no control character,
    /// no comma and no space.
    public static func validateType(_ type: String) throws {
        guard (1...64).contains(type.utf8.count), !type.unicodeScalars.contains(where: PathElement.isControl),
            !type.contains(","), !type.contains(where: \.isWhitespace)
        else {
            throw CharterError(
                .invalidRequest,
                "The identity type '\(PathElement.printable(type))' is not allowed: 1 to 64 bytes without spaces, commas or control characters"
            )
        }
    }
}
