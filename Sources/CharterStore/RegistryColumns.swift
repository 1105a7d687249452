// The columns the shared-database backends (PostgreSQL, MySQL) select, named once.

/// The registry's column lists, as the shared-database backends select them.
public enum RegistryColumns {
    /// A certificate row's columns.
    public static let certificate = """
        serial_number, authority_key_identifier, enrollment_id, ca_name, profile, issued_at, not_before, \
        not_after, status, reason, revoked_at, pem
        """

    /// An identity row's columns.
    public static let identity = """
        id, secret_hash, type, affiliation, attributes, enrollments, max_enrollments, \
        incorrect_password_attempts, revoked
        """
}
