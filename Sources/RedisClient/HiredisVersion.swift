import CHiredis

/// The hiredis version this client was built against (`bridge --version`).
package var hiredisVersion: String { "\(HIREDIS_MAJOR).\(HIREDIS_MINOR).\(HIREDIS_PATCH)" }
