/// Typed, validated access to the members of a parsed object, producing rejections whose reasons
/// name the field. Shared by the record decoder and the row and dead-letter parsers so a field
/// means the same thing everywhere.
///
/// Lookups take the last member of a name: duplicate names resolve "last one wins" (see
/// `JSONObjectParser`).
struct FieldReader {
    static let maxIdBytes = 64
    static let maxFirstNameScalars = 200
    static let maxPhoneBytes = 32

    let members: [JSONMember]

    init(_ members: [JSONMember]) {
        self.members = members
    }

    /// The member's value, or nil when absent. A linear scan beats hashing for the handful of
    /// members a record has; switching on ASCII names with `==` is safe because no other string
    /// is canonically equivalent to an ASCII field name.
    func value(_ name: String) -> JSONValue? {
        var i = members.endIndex
        while i > members.startIndex {
            i -= 1
            if members[i].name == name { return members[i].value }
        }
        return nil
    }

    // MARK: Presence and type

    /// Absent and null are both "missing": the contract requires every field to be non-null.
    func required(_ name: String) throws(Rejection) -> JSONValue {
        switch value(name) {
        case nil: throw Rejection(code: .missingField, reason: "missing field '\(name)'")
        case .null?: throw Rejection(code: .missingField, reason: "field '\(name)' is null")
        case let v?: return v
        }
    }

    func string(_ name: String) throws(Rejection) -> String {
        try asString(try required(name), name)
    }

    /// nil when absent or null; a non-null value must be a string.
    func optionalString(_ name: String) throws(Rejection) -> String? {
        switch value(name) {
        case nil, .null?: return nil
        case let v?: return try asString(v, name)
        }
    }

    /// Present but possibly null: our own rows always write every column, so absence is an error
    /// even where null is a legal value.
    func nullable(_ name: String) throws(Rejection) -> JSONValue? {
        switch value(name) {
        case nil: throw Rejection(code: .missingField, reason: "missing field '\(name)'")
        case .null?: return nil
        case let v?: return v
        }
    }

    func nullableString(_ name: String) throws(Rejection) -> String? {
        guard let v = try nullable(name) else { return nil }
        return try asString(v, name)
    }

    func nullableTimestamp(_ name: String) throws(Rejection) -> Timestamp? {
        guard let v = try nullable(name) else { return nil }
        return try checkedTimestamp(try asString(v, name), name)
    }

    func bool(_ name: String) throws(Rejection) -> Bool {
        let v = try required(name)
        guard case .bool(let b) = v else { throw wrongType(name, expected: "a boolean", found: v) }
        return b
    }

    func int64(_ name: String) throws(Rejection) -> Int64 {
        let v = try required(name)
        guard case .number(let text) = v else { throw wrongType(name, expected: "an integer", found: v) }
        // The grammar was checked by the parser, so Int64(_:) only has to refuse fractions,
        // exponents and overflow; "-0" is accepted as 0 like every JSON reader does.
        guard let n = Int64(text) else {
            throw Rejection(code: .wrongType, reason: "field '\(name)': expected an integer in Int64 range, found \(ReasonText.quoted(text))")
        }
        return n
    }

    func int32(_ name: String) throws(Rejection) -> Int32 {
        let n = try int64(name)
        guard let narrow = Int32(exactly: n) else {
            throw Rejection(code: .invalidValue, reason: "field '\(name)': \(n) is out of Int32 range")
        }
        return narrow
    }

    private func asString(_ v: JSONValue, _ name: String) throws(Rejection) -> String {
        guard case .string(let s) = v else { throw wrongType(name, expected: "a string", found: v) }
        return s
    }

    private func wrongType(_ name: String, expected: String, found: JSONValue) -> Rejection {
        Rejection(code: .wrongType, reason: "field '\(name)': expected \(expected), found \(found.typeDescription)")
    }

    // MARK: Contract rules for input records

    /// Non-empty, at most 64 UTF-8 bytes, no NUL.
    func id(_ name: String) throws(Rejection) -> String {
        try checkedID(try string(name), name)
    }

    /// Absent or null gives nil; anything else must be a valid id.
    func optionalID(_ name: String) throws(Rejection) -> String? {
        guard let s = try optionalString(name) else { return nil }
        return try checkedID(s, name)
    }

    /// At most `maxBytes` UTF-8 bytes (may be empty), no NUL.
    func text(_ name: String, maxBytes: Int) throws(Rejection) -> String {
        let s = try string(name)
        try rejectNUL(s, name)
        let count = s.utf8.count
        guard count <= maxBytes else {
            throw invalidValue(name, "\(count) bytes, over the limit of \(maxBytes)")
        }
        return s
    }

    /// At most `maxScalars` characters counted as Unicode scalars (may be empty), no NUL. Scalars,
    /// not grapheme clusters, because that is what PostgreSQL's `char_length` counts.
    func text(_ name: String, maxScalars: Int) throws(Rejection) -> String {
        let s = try string(name)
        try rejectNUL(s, name)
        // UTF-8 never has more scalars than bytes, so short strings skip the count.
        if s.utf8.count > maxScalars {
            let count = s.unicodeScalars.count
            guard count <= maxScalars else {
                throw invalidValue(name, "\(count) characters (Unicode scalars), over the limit of \(maxScalars)")
            }
        }
        return s
    }

    func timestamp(_ name: String) throws(Rejection) -> Timestamp {
        try checkedTimestamp(try string(name), name)
    }

    func optionalTimestamp(_ name: String) throws(Rejection) -> Timestamp? {
        guard let s = try optionalString(name) else { return nil }
        return try checkedTimestamp(s, name)
    }

    private func checkedTimestamp(_ s: String, _ name: String) throws(Rejection) -> Timestamp {
        var s = s
        let result: Result<Timestamp, RFC3339Parser.Failure> = s.withUTF8 { buffer in
            Result { () throws(RFC3339Parser.Failure) in try RFC3339Parser.parse(buffer) }
        }
        switch result {
        case .success(let t):
            return t
        case .failure(let failure):
            throw Rejection(code: .invalidTimestamp,
                            reason: "field '\(name)': invalid RFC 3339 timestamp \(ReasonText.quoted(s)): \(failure)")
        }
    }

    private func checkedID(_ s: String, _ name: String) throws(Rejection) -> String {
        guard !s.isEmpty else { throw invalidValue(name, "empty id") }
        try rejectNUL(s, name)
        let count = s.utf8.count
        guard count <= Self.maxIdBytes else {
            throw invalidValue(name, "id of \(count) bytes, over the limit of \(Self.maxIdBytes)")
        }
        return s
    }

    /// A documented project rule beyond the contract: PostgreSQL `text` cannot hold U+0000, so the
    /// legacy path could never store such a record; refusing it on both paths keeps them equal.
    private func rejectNUL(_ s: String, _ name: String) throws(Rejection) {
        let hasNUL = s.utf8.withContiguousStorageIfAvailable { $0.contains(0) } ?? s.utf8.contains(0)
        if hasNUL {
            throw invalidValue(name, "contains U+0000, which PostgreSQL text cannot store")
        }
    }

    private func invalidValue(_ name: String, _ why: String) -> Rejection {
        Rejection(code: .invalidValue, reason: "field '\(name)': \(why)")
    }

    // MARK: Shape of our own documents

    /// Rows and dead letters are written by this project, so a member we do not know means the
    /// writer and reader disagree about the format; say so rather than drop data silently.
    func rejectUnknownFields(allowed: [String]) throws(Rejection) {
        for member in members where !allowed.contains(member.name) {
            throw Rejection(code: .invalidValue, reason: "unknown field \(ReasonText.quoted(member.name))")
        }
    }
}
