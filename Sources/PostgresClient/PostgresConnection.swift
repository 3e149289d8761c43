import CLibPQ
import Foundation
import ServiceSupport

// libpq's PG_DIAG_* are character-literal macros that Swift does not import.
private let diagSQLState = Int32(UInt8(ascii: "C"))
private let diagMessagePrimary = Int32(UInt8(ascii: "M"))
private let diagMessageDetail = Int32(UInt8(ascii: "D"))
private let diagMessageHint = Int32(UInt8(ascii: "H"))

/// One synchronous libpq connection. Not thread-safe: `PostgresClient` confines it to a
/// dedicated thread. Statements are `PostgresQuery`s, so values reach the server only as
/// parameters; SQL text never embeds them.
package final class PostgresConnection {
    package let url: String
    package let address: String
    private var conn: OpaquePointer?

    /// Connects, or throws `ServiceUnavailable` naming the address (password redacted).
    package init(url: String, connectTimeoutSeconds: Int = 5) throws {
        self.url = url
        let parsed = try? ServiceURL(parsing: url)
        address = parsed?.address(defaultPort: 5432) ?? ServiceURL.redact(url)
        var conninfo = url
        if !url.contains("connect_timeout") {
            conninfo += (url.contains("?") ? "&" : "?") + "connect_timeout=\(connectTimeoutSeconds)"
        }
        if !url.contains("application_name") { conninfo += "&application_name=bridge" }
        let c = PQconnectdb(conninfo)
        guard PQstatus(c) == CONNECTION_OK else {
            let detail = c.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
            PQfinish(c)
            throw ServiceUnavailable(service: "postgresql", address: address, detail: detail)
        }
        conn = c
        try configureSession()
    }

    /// Session settings, for a new connection and again after `PQreset` (a new session).
    /// Times are exchanged as UTC text; nothing should depend on the server's zone. NOTICEs
    /// ("already exists, skipping") would otherwise go to standard error via libpq.
    private func configureSession() throws {
        _ = try query("SET TIME ZONE 'UTC'")
        _ = try query("SET client_min_messages TO warning")
    }

    deinit { PQfinish(conn) }

    /// Ends the session now rather than whenever the last reference goes away.
    package func close() {
        PQfinish(conn)
        conn = nil
    }


    /// Runs one statement with its parameters and returns its rows (empty for commands).
    @discardableResult
    package func query(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) throws -> PostgresRows {
        try ensureConnected()
        let sql = query.sql
        let result = withParams(query.binds) { n, values, lengths, formats in
            PQexecParams(conn, sql, n, nil, values, lengths, formats, 0)
        }
        defer { PQclear(result) }
        return try rows(of: result, sql: sql, file: file, line: line)
    }

    /// Runs a script of several statements without parameters (simple query protocol), for
    /// migrations: the extended protocol that carries parameters takes one statement only.
    package func executeScript(_ script: SQLScript, file: String = #fileID, line: Int = #line) throws {
        try ensureConnected()
        let result = PQexec(conn, script.text)
        defer { PQclear(result) }
        _ = try rows(of: result, sql: String(script.text.prefix(200)), file: file, line: line)
    }

    /// BEGIN … COMMIT around `body`; ROLLBACK when it throws. Nested calls are not supported.
    package func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try query("BEGIN")
        do {
            let value = try body(self)
            try query("COMMIT")
            return value
        } catch {
            if PQstatus(conn) == CONNECTION_OK { _ = try? query("ROLLBACK") }
            throw error
        }
    }

    /// Sends many statements without waiting for each reply (libpq pipeline mode): one round
    /// trip per chunk instead of one per statement. Inside a transaction the syncs do not commit.
    /// Throws the first statement's error; the statements after it were not executed.
    package func pipeline(_ statements: [PostgresQuery], chunkSize: Int = 256,
                         file: String = #fileID, line: Int = #line) throws -> [PostgresRows] {
        try ensureConnected()
        guard PQenterPipelineMode(conn) == 1 else { throw connectionError("entering pipeline mode", file: file, line: line) }
        defer { PQexitPipelineMode(conn) }
        var results: [PostgresRows] = []
        results.reserveCapacity(statements.count)
        var firstError: (any Error)?
        var start = 0
        while start < statements.count {
            let chunk = statements[start..<min(start + chunkSize, statements.count)]
            for statement in chunk {
                let sql = statement.sql
                let sent = withParams(statement.binds) { n, values, lengths, formats in
                    PQsendQueryParams(conn, sql, n, nil, values, lengths, formats, 0)
                }
                guard sent == 1 else { throw connectionError("sending a pipelined statement", file: file, line: line) }
            }
            guard PQpipelineSync(conn) == 1 else { throw connectionError("pipeline sync", file: file, line: line) }
            // Each statement yields its result then NULL; the chunk ends with PIPELINE_SYNC.
            var index = chunk.startIndex
            while true {
                guard let result = PQgetResult(conn) else {
                    if PQstatus(conn) != CONNECTION_OK { throw connectionError("reading pipeline results", file: file, line: line) }
                    continue
                }
                let status = PQresultStatus(result)
                if status == PGRES_PIPELINE_SYNC { PQclear(result); break }
                if status == PGRES_PIPELINE_ABORTED {
                    PQclear(result)
                } else if firstError == nil {
                    do { results.append(try rows(of: result, sql: statements[index].sql, file: file, line: line)) } catch { firstError = error }
                    PQclear(result)
                } else {
                    PQclear(result)
                }
                index += 1
                // The NULL that ends this statement's results.
                _ = PQgetResult(conn)
            }
            if let firstError { throw firstError }
            start += chunkSize
        }
        return results
    }

    /// `COPY table (columns) FROM STDIN` in text format: the fast path for bulk loads.
    package func copyIn(table: PostgresIdentifier, columns: [PostgresIdentifier], rows: [[String?]],
                       file: String = #fileID, line: Int = #line) throws {
        try ensureConnected()
        let sql = "COPY \(table.quoted) (\(columns.map(\.quoted).joined(separator: ", "))) FROM STDIN"
        let started = PQexec(conn, sql)
        let status = PQresultStatus(started)
        defer { PQclear(started) }
        guard status == PGRES_COPY_IN else { _ = try self.rows(of: started, sql: sql, file: file, line: line); return }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        func flush() throws {
            let ok = buffer.withUnsafeBufferPointer { b in
                b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { PQputCopyData(conn, $0, Int32(b.count)) }
            }
            guard ok == 1 else { throw connectionError("sending COPY data", file: file, line: line) }
            buffer.removeAll(keepingCapacity: true)
        }
        for row in rows {
            for (i, value) in row.enumerated() {
                if i > 0 { buffer.append(9) }
                if let value { Self.appendCopyText(value, to: &buffer) } else { buffer.append(contentsOf: Array("\\N".utf8)) }
            }
            buffer.append(10)
            if buffer.count >= 1 << 16 { try flush() }
        }
        if !buffer.isEmpty { try flush() }
        guard PQputCopyEnd(conn, nil) == 1 else { throw connectionError("ending COPY", file: file, line: line) }
        while let result = PQgetResult(conn) {
            defer { PQclear(result) }
            _ = try self.rows(of: result, sql: sql, file: file, line: line)
        }
    }

    // MARK: - Internals

    /// Re-establishes a connection that libpq reports as bad (the server restarted).
    private func ensureConnected() throws {
        if PQstatus(conn) == CONNECTION_OK { return }
        PQreset(conn)
        guard PQstatus(conn) == CONNECTION_OK else {
            throw ServiceUnavailable(service: "postgresql", address: address, detail: String(cString: PQerrorMessage(conn)))
        }
        try configureSession()
    }

    private func rows(of result: OpaquePointer?, sql: String, file: String, line: Int) throws -> PostgresRows {
        guard let result else { throw connectionError("executing", file: file, line: line, statement: sql) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            let nFields = Int(PQnfields(result))
            let nRows = Int(PQntuples(result))
            let columns = (0..<nFields).map { String(cString: PQfname(result, Int32($0))) }
            var rows: [[[UInt8]?]] = []
            rows.reserveCapacity(nRows)
            for r in 0..<Int32(nRows) {
                var row: [[UInt8]?] = []
                row.reserveCapacity(nFields)
                for f in 0..<Int32(nFields) {
                    if PQgetisnull(result, r, f) == 1 { row.append(nil); continue }
                    let length = Int(PQgetlength(result, r, f))
                    let value = PQgetvalue(result, r, f)!
                    row.append(Array(UnsafeRawBufferPointer(start: value, count: length)))
                }
                rows.append(row)
            }
            return PostgresRows(columns: columns, rows: rows, affectedRows: nRows)
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN, PGRES_COPY_OUT:
            let tag = String(cString: PQcmdTuples(result))
            return PostgresRows(columns: [], rows: [], affectedRows: Int(tag) ?? 0)
        default:
            func field(_ code: Int32) -> String? { PQresultErrorField(result, code).map { String(cString: $0) } }
            let message = field(diagMessagePrimary) ?? oneLine(String(cString: PQresultErrorMessage(result)))
            if PQstatus(conn) != CONNECTION_OK {
                throw ServiceUnavailable(service: "postgresql", address: address, detail: message)
            }
            throw PostgresError(sqlState: field(diagSQLState), message: message, detail: field(diagMessageDetail),
                                hint: field(diagMessageHint), statement: sql, file: file, line: line)
        }
    }

    private func connectionError(_ doing: String, file: String, line: Int, statement: String = "") -> any Error {
        let message = oneLine(String(cString: PQerrorMessage(conn)))
        if PQstatus(conn) != CONNECTION_OK {
            return ServiceUnavailable(service: "postgresql", address: address, detail: "\(doing): \(message)")
        }
        return PostgresError(sqlState: nil, message: "\(doing): \(message)", detail: nil, hint: nil,
                             statement: statement, file: file, line: line)
    }

    /// Escapes a value for COPY's text format (backslash, tab, newline, carriage return).
    private static func appendCopyText(_ value: String, to buffer: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.append(contentsOf: [92, 92])
            case 9: buffer.append(contentsOf: [92, UInt8(ascii: "t")])
            case 10: buffer.append(contentsOf: [92, UInt8(ascii: "n")])
            case 13: buffer.append(contentsOf: [92, UInt8(ascii: "r")])
            default: buffer.append(byte)
            }
        }
    }
}

/// Calls `body` with libpq's parallel parameter arrays (values, lengths, formats), keeping the
/// bytes alive for the duration of the call.
private func withParams<R>(_ params: [PostgresValue],
                           _ body: (Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R) -> R {
    if params.isEmpty { return body(0, nil, nil, nil) }
    let encoded = params.map { $0.wireBytes.map { $0 + [0] } }
    let lengths = params.map { Int32($0.wireBytes?.count ?? 0) }
    let formats = params.map { Int32($0.isBinary ? 1 : 0) }
    var pointers: [UnsafePointer<CChar>?] = []
    pointers.reserveCapacity(params.count)
    // Each value's storage is pinned while the C call runs.
    var storages: [UnsafeMutableBufferPointer<UInt8>] = []
    defer { storages.forEach { $0.deallocate() } }
    for bytes in encoded {
        guard let bytes else { pointers.append(nil); continue }
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = storage.initialize(from: bytes)
        storages.append(storage)
        pointers.append(UnsafeRawPointer(storage.baseAddress!).assumingMemoryBound(to: CChar.self))
    }
    return pointers.withUnsafeBufferPointer { p in
        lengths.withUnsafeBufferPointer { l in
            formats.withUnsafeBufferPointer { f in body(Int32(params.count), p.baseAddress, l.baseAddress, f.baseAddress) }
        }
    }
}
