/// A valid record of the `contacts` topic.
///
/// Equality and hashing are byte-wise on the strings (see `ByteString`): two names that differ
/// only in Unicode normalisation are different data to PostgreSQL, so they must be here too.
package struct ContactUpdate: Sendable, Hashable {
    package var contactId: String
    package var campusId: String
    package var firstName: String
    package var phone: String
    package var optedOut: Bool
    package var updatedAt: Timestamp

    package init(contactId: String, campusId: String, firstName: String, phone: String,
                optedOut: Bool, updatedAt: Timestamp) {
        self.contactId = contactId
        self.campusId = campusId
        self.firstName = firstName
        self.phone = phone
        self.optedOut = optedOut
        self.updatedAt = updatedAt
    }

    package static func == (lhs: ContactUpdate, rhs: ContactUpdate) -> Bool {
        ByteString.equal(lhs.contactId, rhs.contactId) && ByteString.equal(lhs.campusId, rhs.campusId)
            && ByteString.equal(lhs.firstName, rhs.firstName) && ByteString.equal(lhs.phone, rhs.phone)
            && lhs.optedOut == rhs.optedOut && lhs.updatedAt == rhs.updatedAt
    }

    package func hash(into hasher: inout Hasher) {
        ByteString.hash(contactId, into: &hasher)
        ByteString.hash(campusId, into: &hasher)
        ByteString.hash(firstName, into: &hasher)
        ByteString.hash(phone, into: &hasher)
        hasher.combine(optedOut)
        hasher.combine(updatedAt)
    }
}
