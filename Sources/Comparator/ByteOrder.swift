/// Byte-wise (UTF-8) order of keys: the order both exports are sorted in (PostgreSQL's "C"
/// collation, Redis), which Swift's Unicode-aware `<` on strings does not follow.
enum ByteOrder {
    static func compare(_ a: String, _ b: String) -> Int {
        var i = a.utf8.makeIterator()
        var j = b.utf8.makeIterator()
        while true {
            switch (i.next(), j.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (x?, y?): if x != y { return x < y ? -1 : 1 }
            }
        }
    }
}
