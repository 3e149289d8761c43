/// One field that differs between the stores, each value as its canonical JSON text.
package struct FieldDifference: Sendable, Hashable {
    package var field: String
    package var legacy: String
    package var stream: String

    package init(field: String, legacy: String, stream: String) {
        self.field = field
        self.legacy = legacy
        self.stream = stream
    }
}
