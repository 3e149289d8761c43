import BridgeModel

/// A set the contract makes the fold remember for all time per contact (the campaigns it sent
/// in, the campus-days it was active on), kept inside the contact's row while it is small and
/// moved to the partition's seen set in Redis only once it outgrows the row.
///
/// Most contacts never outgrow it, so most events need neither a Redis lookup nor a Redis write
/// for these facts: only the event id's dedupe, which no bound fits, goes to the seen set
/// always. Once spilled, the memo keeps the most recent elements, so bursts on one campus-day
/// still resolve in the row.
struct RowMemo<Element: Equatable & Sendable>: Equatable, Sendable {
    /// Every element while not spilled; the most recent ones after.
    private(set) var items: [Element] = []
    /// The elements are in the seen set (all of them, including those in `items`).
    private(set) var spilled = false

    init() {}

    init(items: [Element], spilled: Bool) {
        self.items = items
        self.spilled = spilled
    }

    func contains(_ element: Element) -> Bool { items.contains(element) }

    /// Adds an element the caller established is new, and returns the elements that must now
    /// go to the seen set: none while the row holds them all; when the row overflows, every
    /// element so far; once spilled, the new one.
    mutating func insert(_ element: Element, capacity: Int) -> [Element] {
        if !spilled && items.count < capacity {
            items.append(element)
            return []
        }
        let moved = spilled ? [element] : items + [element]
        spilled = true
        items.append(element)
        if items.count > capacity { items.removeFirst(items.count - capacity) }
        return moved
    }
}

/// A campus-day a contact was active on (had a counted event).
struct ActiveDay: Equatable, Sendable {
    var campusId: String
    var day: Int64

    static func == (a: ActiveDay, b: ActiveDay) -> Bool { a.day == b.day && ByteString.equal(a.campusId, b.campusId) }
}
