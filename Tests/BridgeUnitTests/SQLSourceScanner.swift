import Foundation

/// A small lexer for Swift source: finds the calls that hand SQL text to the PostgreSQL client
/// and classifies their SQL argument. Comments are skipped; string literals (plain, multi-line,
/// raw) are parsed with their interpolations.
struct SQLSourceScanner {
    struct Literal { var text: String; var interpolations: [String] }
    struct Finding: CustomStringConvertible, Hashable {
        var file: String
        var line: Int
        var call: String
        var argument: String
        var problem: String
        var description: String { "\(file):\(line): \(call)(\(argument.prefix(120))…): \(problem)" }
    }

    /// The code with every string literal replaced by `§N§` and comments removed, and the literals.
    var skeleton: [UInt8] = []
    var literals: [Literal] = []
    var lineOfSkeleton: [Int] = []

    init(source: String) {
        let s = Array(source.utf8)
        var i = 0
        var line = 1
        func emit(_ b: UInt8) { skeleton.append(b); lineOfSkeleton.append(line) }
        while i < s.count {
            let c = s[i]
            if c == UInt8(ascii: "\n") { line += 1; emit(c); i += 1; continue }
            if c == UInt8(ascii: "/"), i + 1 < s.count, s[i + 1] == UInt8(ascii: "/") {
                while i < s.count && s[i] != UInt8(ascii: "\n") { i += 1 }
                continue
            }
            if c == UInt8(ascii: "/"), i + 1 < s.count, s[i + 1] == UInt8(ascii: "*") {
                var depth = 0
                repeat {
                    if s[i] == UInt8(ascii: "\n") { line += 1 }
                    if s[i] == UInt8(ascii: "/"), i + 1 < s.count, s[i + 1] == UInt8(ascii: "*") { depth += 1; i += 2; continue }
                    if s[i] == UInt8(ascii: "*"), i + 1 < s.count, s[i + 1] == UInt8(ascii: "/") { depth -= 1; i += 2; continue }
                    i += 1
                } while depth > 0 && i < s.count
                continue
            }
            if c == UInt8(ascii: "\"") || (c == UInt8(ascii: "#") && Self.rawStringStarts(s, i)) {
                let startLine = line
                let (literal, end, lines) = Self.lexString(s, i)
                let tag = Array("§\(literals.count)§".utf8)
                literals.append(literal)
                for b in tag { skeleton.append(b); lineOfSkeleton.append(startLine) }
                line += lines
                i = end
                continue
            }
            emit(c)
            i += 1
        }
    }

    static func rawStringStarts(_ s: [UInt8], _ i: Int) -> Bool {
        var j = i
        while j < s.count && s[j] == UInt8(ascii: "#") { j += 1 }
        return j < s.count && s[j] == UInt8(ascii: "\"")
    }

    /// Lexes a string literal starting at `i` (at its `#`s or its quote); returns the literal,
    /// the index after it and the newlines it spans.
    static func lexString(_ s: [UInt8], _ start: Int) -> (Literal, Int, Int) {
        var i = start
        var hashes = 0
        while s[i] == UInt8(ascii: "#") { hashes += 1; i += 1 }
        let multi = i + 2 < s.count && s[i + 1] == UInt8(ascii: "\"") && s[i + 2] == UInt8(ascii: "\"")
        i += multi ? 3 : 1
        var text: [UInt8] = []
        var interpolations: [String] = []
        var lines = 0
        func closes(_ at: Int) -> Bool {
            let quotes = multi ? 3 : 1
            guard at + quotes + hashes <= s.count else { return false }
            for k in 0..<quotes where s[at + k] != UInt8(ascii: "\"") { return false }
            for k in 0..<hashes where s[at + quotes + k] != UInt8(ascii: "#") { return false }
            return true
        }
        while i < s.count {
            if closes(i) { i += (multi ? 3 : 1) + hashes; break }
            if s[i] == UInt8(ascii: "\\") {
                var j = i + 1
                var h = 0
                while h < hashes && j < s.count && s[j] == UInt8(ascii: "#") { h += 1; j += 1 }
                if h == hashes && j < s.count {
                    if s[j] == UInt8(ascii: "(") {
                        // An interpolation: balanced parentheses, strings inside lexed recursively.
                        var depth = 1
                        var k = j + 1
                        var expression: [UInt8] = []
                        while k < s.count && depth > 0 {
                            if s[k] == UInt8(ascii: "\"") || (s[k] == UInt8(ascii: "#") && rawStringStarts(s, k)) {
                                let (_, end, inner) = lexString(s, k)
                                expression += s[k..<end]
                                lines += inner
                                k = end
                                continue
                            }
                            if s[k] == UInt8(ascii: "(") { depth += 1 }
                            if s[k] == UInt8(ascii: ")") { depth -= 1; if depth == 0 { break } }
                            if s[k] == UInt8(ascii: "\n") { lines += 1 }
                            expression.append(s[k])
                            k += 1
                        }
                        interpolations.append(String(decoding: expression, as: UTF8.self).trimmingCharacters(in: .whitespaces))
                        text += Array("\\(…)".utf8)
                        i = k + 1
                        continue
                    }
                    text.append(s[i]); text.append(s[j])
                    i = j + 1
                    continue
                }
            }
            if s[i] == UInt8(ascii: "\n") { lines += 1 }
            text.append(s[i])
            i += 1
        }
        return (Literal(text: String(decoding: text, as: UTF8.self), interpolations: interpolations), i, lines)
    }

    /// The calls of the PostgreSQL client API that take SQL text (first argument).
    static let sqlCalls = ["query", "executeScript", "pipeline", "copyIn", "PQexec", "PQexecParams", "PQsendQuery",
                           "PQsendQueryParams", "PQprepare", "PQsendPrepare"]

    struct Call { var name: String; var receiver: String; var arguments: [String]; var line: Int }

    /// Every call of one of `sqlCalls` with its top-level arguments (skeleton text).
    func calls() -> [Call] {
        var result: [Call] = []
        let s = skeleton
        var i = 0
        func isIdent(_ b: UInt8) -> Bool { b == UInt8(ascii: "_") || (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == UInt8(ascii: "$") }
        while i < s.count {
            guard isIdent(s[i]), i == 0 || !isIdent(s[i - 1]) else { i += 1; continue }
            var j = i
            while j < s.count && isIdent(s[j]) { j += 1 }
            let name = String(decoding: s[i..<j], as: UTF8.self)
            var k = j
            while k < s.count && (s[k] == 32 || s[k] == 9) { k += 1 }
            // A call, not a declaration (`func query(`).
            let before = String(decoding: s[max(0, i - 5)..<i], as: UTF8.self)
            guard Self.sqlCalls.contains(name), k < s.count, s[k] == UInt8(ascii: "("), !before.hasSuffix("func ") else { i = j; continue }
            // Receiver: the identifier before a `.` preceding the name.
            var receiver = ""
            if i > 0 && s[i - 1] == UInt8(ascii: ".") {
                var r = i - 1
                while r > 0 && isIdent(s[r - 1]) { r -= 1 }
                receiver = String(decoding: s[r..<(i - 1)], as: UTF8.self)
            }
            // Top-level arguments up to the matching parenthesis.
            var depth = 0
            var arguments: [String] = []
            var current: [UInt8] = []
            var m = k
            while m < s.count {
                let b = s[m]
                if b == UInt8(ascii: "(") || b == UInt8(ascii: "[") || b == UInt8(ascii: "{") {
                    depth += 1
                    if depth == 1 { m += 1; continue }
                } else if b == UInt8(ascii: ")") || b == UInt8(ascii: "]") || b == UInt8(ascii: "}") {
                    depth -= 1
                    if depth == 0 { break }
                } else if b == UInt8(ascii: ","), depth == 1 {
                    arguments.append(String(decoding: current, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
                    current = []
                    m += 1
                    continue
                }
                current.append(b)
                m += 1
            }
            arguments.append(String(decoding: current, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            result.append(Call(name: name, receiver: receiver, arguments: arguments, line: lineOfSkeleton[i]))
            i = m
        }
        return result
    }

    /// `§N§` → N when the whole expression is one literal.
    static func literalIndex(_ expression: String) -> Int? {
        guard expression.hasPrefix("§"), expression.hasSuffix("§"), expression.count > 2 else { return nil }
        return Int(expression.dropFirst().dropLast())
    }

    /// The right-hand side of `let NAME =` / `static let NAME =` / `var NAME =` in this file
    /// (`\\s*` after `=` also crosses a line break), if declared exactly once; `mutable` for `var`.
    func declaration(of name: String) -> (rhs: String, mutable: Bool)? {
        let text = String(decoding: skeleton, as: UTF8.self)
        let pattern = "(?:^|[^A-Za-z0-9_.])(let|var)\\s+\\(?\\s*\(NSRegularExpression.escapedPattern(for: name))\\b\\s*(?::[^=\\n]+)?=\\s*([^\\n]+)"
        let regex = try! NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        let matches = regex.matches(in: text, range: NSRange(text.startIndex..., in: text))
        guard matches.count == 1, let kind = Range(matches[0].range(at: 1), in: text),
              let range = Range(matches[0].range(at: 2), in: text) else { return nil }
        // Up to the end of the line or of the statement (`;`: literals are placeholders here).
        let rhs = String(text[range].prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces)
        return rhs.isEmpty ? nil : (rhs, text[kind] == "var")
    }
}

/// The scan of a source tree: every call that hands SQL text to the PostgreSQL client, and
/// every literal that starts like an SQL statement, checked for values spliced into the text.
struct SQLSourceScan {
    /// An allowed non-literal piece of SQL in `file` (a path suffix): an interpolation written
    /// `\\(expression)`, or a whole argument or `+` term as written (literals in quotes).
    struct Exception {
        var file: String
        var expression: String
        var reason: String
    }

    /// A compile-time constant that may be interpolated into SQL anywhere: `static let name`
    /// declared in `file`, whose own text is checked like any SQL.
    struct Constant {
        var name: String
        var file: String
        var reason: String
    }

    var files: [String: SQLSourceScanner]
    var exceptions: [Exception]
    var constants: [Constant]

    init(sources: [String: String], exceptions: [Exception], constants: [Constant]) {
        files = sources.mapValues { SQLSourceScanner(source: $0) }
        self.exceptions = exceptions
        self.constants = constants
    }

    static let keywordStart = try! NSRegularExpression(
        pattern: "^\\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|DROP|ALTER|TRUNCATE|COPY|BEGIN|COMMIT|ROLLBACK|SET|SHOW|ANALYZE|VACUUM|GRANT|REVOKE|LOCK|DO|CALL|EXPLAIN)\\s")

    static func looksLikeSQL(_ text: String) -> Bool {
        keywordStart.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    func allowed(_ expression: String, in file: String) -> Bool {
        exceptions.contains { file.hasSuffix($0.file) && $0.expression == expression }
    }

    func allowedInterpolation(_ expression: String, in file: String) -> Bool {
        if allowed("\\(" + expression + ")", in: file) { return true }
        return constants.contains { c in
            expression == c.name || (file.hasSuffix(c.file) && expression == String(c.name.split(separator: ".").last!))
        }
    }

    /// Where `name` is declared: this file first, else the one file declaring it `static let`.
    func declaration(of name: String, from file: String) -> (file: String, rhs: String, mutable: Bool)? {
        if let d = files[file]?.declaration(of: name) { return (file, d.rhs, d.mutable) }
        let candidates = files.compactMap { path, scanner -> (String, String, Bool)? in
            let text = String(decoding: scanner.skeleton, as: UTF8.self)
            guard text.contains("static let \(name)"), let d = scanner.declaration(of: name) else { return nil }
            return (path, d.rhs, d.mutable)
        }
        return candidates.count == 1 ? candidates[0] : nil
    }

    /// What is wrong with `expression` (skeleton text of `file`) as SQL text.
    func problems(of expression: String, file: String, depth: Int = 0) -> [String] {
        guard let scanner = files[file] else { return ["unknown file"] }
        var found: [String] = []
        var expr = expression
        // An argument label (`table: "…"`).
        if let label = expr.range(of: "^[A-Za-z_][A-Za-z0-9_]*\\s*:\\s*(?!:)", options: .regularExpression) { expr.removeSubrange(label) }
        for term in SQLSourceScanner.terms(expr) {
            if let n = SQLSourceScanner.literalIndex(term) {
                for i in scanner.literals[n].interpolations where !allowedInterpolation(i, in: file) {
                    found.append("interpolates `\(i)` into SQL")
                }
            } else if allowed(scanner.render(term), in: file) {
                continue
            } else if term.range(of: "^[A-Za-z_][A-Za-z0-9_.]*$", options: .regularExpression) != nil, depth < 4,
                      let name = term.split(separator: ".").last, let d = declaration(of: String(name), from: file) {
                if d.mutable {
                    found.append("SQL from the variable `\(term)` (a `var` can be built from values)")
                } else {
                    found += problems(of: d.rhs, file: d.file, depth: depth + 1)
                }
            } else {
                found.append("SQL from `\(scanner.render(term).prefix(160))`, not a literal")
            }
        }
        return found
    }

    /// Every problem found, and how many client calls were checked.
    func findings() -> (findings: [SQLSourceScanner.Finding], calls: Int) {
        var result: Set<SQLSourceScanner.Finding> = []
        var checked = 0
        for (file, scanner) in files {
            for call in scanner.calls() {
                // hiredis' pipeline takes Redis commands, not SQL.
                if call.name == "pipeline" && (file.contains("/RedisClient/") || call.receiver.lowercased().contains("redis")) { continue }
                checked += 1
                // libpq's functions take the connection first.
                let argument = call.name.hasPrefix("PQ") ? (call.arguments.count > 1 ? call.arguments[1] : "") : (call.arguments.first ?? "")
                for problem in problems(of: argument, file: file) {
                    result.insert(.init(file: file, line: call.line, call: call.name, argument: scanner.render(argument), problem: problem))
                }
            }
            // However SQL text reaches the client: a literal that starts like a statement
            // interpolates only what is listed.
            for literal in scanner.literals where Self.looksLikeSQL(literal.text) {
                for i in literal.interpolations where !allowedInterpolation(i, in: file) {
                    result.insert(.init(file: file, line: 0, call: "literal", argument: literal.text, problem: "interpolates `\(i)` into SQL text"))
                }
            }
        }
        return (result.sorted { ($0.file, $0.line, $0.problem) < ($1.file, $1.line, $1.problem) }, checked)
    }
}

extension SQLSourceScanner {
    /// The expression with its `§N§` placeholders replaced by the literals' text in quotes,
    /// whitespace runs folded to one space.
    func render(_ expression: String) -> String {
        var out = expression
        while let open = out.range(of: "§"), let close = out[open.upperBound...].range(of: "§"),
              let n = Int(out[open.upperBound..<close.lowerBound]) {
            out.replaceSubrange(open.lowerBound..<close.upperBound, with: "\"" + literals[n].text + "\"")
        }
        return out.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    /// Splits at top-level `+`.
    static func terms(_ expression: String) -> [String] {
        var parts: [String] = []
        var depth = 0
        var current = ""
        for ch in expression {
            if "([{".contains(ch) { depth += 1 }
            if ")]}".contains(ch) { depth -= 1 }
            if ch == "+" && depth == 0 { parts.append(current.trimmingCharacters(in: .whitespacesAndNewlines)); current = ""; continue }
            current.append(ch)
        }
        parts.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
        return parts
    }
}
