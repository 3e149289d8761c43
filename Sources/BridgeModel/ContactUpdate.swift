/// A valid record of the `contacts` topic.
///
/// Equality and hashing are byte-wise on the strings (see `ByteString`): two names that differ
/// only in Unicode normalisation are different data to PostgreSQL, so they must be here too.
public struct ContactUpdate: Sendable, Hashable {
    public var contactId: String
    public var campusId: String
    public var firstName: String
    public var phone: String
    public var optedOut: Bool
    public var updatedAt: Timestamp

    public init(contactId: String, campusId: String, firstName: String, phone: String,
                optedOut: Bool, updatedAt: Timestamp) {
        self.contactId = contactId
        self.campusId = campusId
        self.firstName = firstName
        self.phone = phone
        self.optedOut = optedOut
        self.updatedAt = updatedAt
    }

    public static func == (lhs: ContactUpdate, rhs: ContactUpdate) -> Bool {
        ByteString.equal(lhs.contactId, rhs.contactId) && ByteString.equal(lhs.campusId, rhs.campusId)
            && ByteString.equal(lhs.firstName, rhs.firstName) && ByteString.equal(lhs.phone, rhs.phone)
            && lhs.optedOut == rhs.optedOut && lhs.updatedAt == rhs.updatedAt
    }

    public func hash(into hasher: inout Hasher) {
        ByteString.hash(contactId, into: &hasher)
        ByteString.hash(campusId, into: &hasher)
        ByteString.hash(firstName, into: &hasher)
        ByteString.hash(phone, into: &hasher)
        hasher.combine(optedOut)
        hasher.combine(updatedAt)
    }
}
