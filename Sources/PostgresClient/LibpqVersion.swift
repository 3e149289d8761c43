import CLibPQ

/// The version of the libpq the process runs with (`bridge --version`): PQlibVersion() gives
/// major * 10000 + minor since PostgreSQL 10.
package var libpqVersion: String {
    let version = PQlibVersion()
    return "\(version / 10000).\(version % 10000)"
}
