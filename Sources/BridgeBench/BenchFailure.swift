/// A benchmark that could not finish, with the reason the command prints.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}
