/// One field that differs between the stores, each value as its canonical JSON text.
public struct FieldDifference: Sendable, Hashable {
    public var field: String
    public var legacy: String
    public var stream: String

    public init(field: String, legacy: String, stream: String) {
        self.field = field
        self.legacy = legacy
        self.stream = stream
    }
}
