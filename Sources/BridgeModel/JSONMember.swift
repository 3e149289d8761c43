/// One `"name": value` pair of a parsed object, in document order.
struct JSONMember: Sendable {
    var name: String
    var value: JSONValue
}
