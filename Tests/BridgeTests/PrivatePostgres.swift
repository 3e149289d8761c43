import BridgeTestSupport
import Foundation

/// A PostgreSQL server of one test's own (Debian's binaries, a fresh cluster in a temporary
/// folder, a random port), for tests that stop and restart PostgreSQL: doing that to the shared
/// server would break every other test running in parallel. It has the contract's role and
/// database `bridge`/`bridge`; `url` is what `BRIDGE_POSTGRES_URL` should be.
///
/// The control calls block (they wait for `pg_ctl`), which is fine in a test; they are
/// synchronous so that a `defer { server.remove() }` really stops the server before the test
/// returns, even when it fails.
final class PrivatePostgres: @unchecked Sendable {
    let port: Int
    let directory: URL
    var dataDirectory: URL { directory.appendingPathComponent("data") }
    var url: String { "postgres://bridge:bridge@127.0.0.1:\(port)/bridge" }

    /// Debian installs one folder per major version; the newest is taken.
    static let binaries: URL? = {
        let root = URL(fileURLWithPath: "/usr/lib/postgresql")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return versions.compactMap(Int.init).sorted().last.map { root.appendingPathComponent("\($0)/bin") }
    }()

    struct CommandFailed: Error, CustomStringConvertible {
        var command: String
        var status: Int32
        var log: String
        var description: String { "\(command) exited \(status); server log tail: \(log.suffix(1500))" }
    }

    /// Creates the cluster (initdb) and starts it.
    init() throws {
        guard Self.binaries != nil else { throw CommandFailed(command: "ls /usr/lib/postgresql/*/bin", status: 1, log: "no PostgreSQL binaries") }
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("pg-fault-\(UUID().uuidString.prefix(8))")
        port = LoopbackPort.reserve()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // PostgreSQL refuses to run as root: as root, the postgres OS user owns and runs it.
        if getuid() == 0 { try Self.exec(["/usr/bin/chown", "postgres:", directory.path]) }
        try runAsServer(["initdb", "-D", dataDirectory.path, "-U", "postgres", "--auth=trust",
                         "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"])
        try start()
        try runAsServer(["psql", "-h", directory.path, "-p", String(port), "-U", "postgres", "-d", "postgres", "-X", "-q",
                         "-v", "ON_ERROR_STOP=1",
                         "-c", "CREATE ROLE bridge LOGIN SUPERUSER PASSWORD 'bridge'",
                         "-c", "CREATE DATABASE bridge OWNER bridge"])
    }

    /// Starts the server and waits (pg_ctl -w) until it accepts connections.
    func start() throws {
        try runAsServer(["pg_ctl", "-D", dataDirectory.path, "-l", directory.appendingPathComponent("server.log").path,
                         "-w", "-t", "30", "-s",
                         "-o", "-c listen_addresses=127.0.0.1 -c port=\(port) -c unix_socket_directories=\(directory.path) -c fsync=off",
                         "start"])
    }

    /// Stops the server: `fast` rolls back open transactions and disconnects every client;
    /// `immediate` is a crash (no checkpoint; recovery from the WAL on the next start).
    func stop(mode: String = "immediate") throws {
        try runAsServer(["pg_ctl", "-D", dataDirectory.path, "-m", mode, "-w", "-t", "30", "-s", "stop"])
    }

    /// SIGKILL to the postmaster: no shutdown at all. Its backends notice and exit; the next
    /// start recovers from the WAL.
    func kill9() throws {
        let pidFile = try String(contentsOf: dataDirectory.appendingPathComponent("postmaster.pid"), encoding: .utf8)
        guard let pid = pid_t(pidFile.prefix { $0 != "\n" }) else {
            throw CommandFailed(command: "read postmaster.pid", status: 1, log: pidFile)
        }
        kill(pid, SIGKILL)
    }

    var log: String { (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? "" }

    /// Best effort, for the test's cleanup: the server stopped (whatever state it is in) and
    /// its folder deleted.
    func remove() {
        try? stop(mode: "immediate")
        try? FileManager.default.removeItem(at: directory)
    }

    private func runAsServer(_ arguments: [String]) throws {
        let tool = Self.binaries!.appendingPathComponent(arguments[0]).path
        let command = [tool] + arguments.dropFirst()
        do {
            try Self.exec(getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + command : command)
        } catch var failed as CommandFailed {
            failed.log = log
            throw failed
        }
    }

    /// posix_spawn and waitpid rather than Foundation's Process: `pg_ctl start` leaves the
    /// postmaster running with the child's inherited descriptors, and Process' waitUntilExit
    /// was seen never to return for it (the exited child stayed unreaped).
    private static func exec(_ arguments: [String]) throws {
        // From / because the postgres user may not enter the test's working directory.
        let argv = ["/bin/sh", "-c", "cd / && exec \"$@\" </dev/null >/dev/null 2>&1", "sh"] + arguments
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", nil, nil, cArguments, environ)
        var status: Int32 = 0
        if spawned == 0 {
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        }
        // Exited normally with 0: the low 7 bits are 0 (no signal) and the exit code is 0.
        guard spawned == 0, status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw CommandFailed(command: arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " "),
                                status: spawned == 0 ? status : -1, log: "")
        }
    }
}
