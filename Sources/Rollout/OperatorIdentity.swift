import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who is making a rollout change, for the audit history: the --operator flag, else the OS user.
package enum OperatorIdentity {
    /// $USER first (what the person at the terminal believes they are, including under sudo's
    /// preserved environment), then the password database entry of the real uid, which also
    /// works in containers and cron jobs where $USER is unset.
    package static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let user = environment["USER"], !user.isEmpty { return user }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }
}
