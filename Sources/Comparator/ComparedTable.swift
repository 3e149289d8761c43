/// The two aggregate tables the comparator checks, named as in the contract.
package enum ComparedTable: String, Sendable, CaseIterable, Hashable {
    case contactSummary = "contact_summary"
    case campusDaily = "campus_daily"
}
