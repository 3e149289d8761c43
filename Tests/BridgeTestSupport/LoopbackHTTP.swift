#if canImport(Glibc)
import Glibc
#endif
import ServiceSupport

/// A plain HTTP/1.0 GET over a socket, for tests that read the bridge's own endpoints.
///
/// Why not URLSession: on Linux it runs libcurl with OpenSSL on dispatch threads that outlive
/// the last test, and a test process once crashed at exit (SIGSEGV in libcrypto after every
/// test had passed) while OpenSSL was being torn down under them. This one does its work on a
/// thread of its own and leaves nothing behind.
package enum LoopbackHTTP {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// GET `path` from 127.0.0.1:`port`: the status code and the body. HTTP/1.0, so the server
    /// closes the connection after one response and never chunks it.
    package static func get(port: Int, path: String, timeoutSeconds: Int = 10) async throws -> (code: Int, body: String) {
        let raw = try await onOwnThread("http-get") { try exchange(port: port, path: path, timeoutSeconds: timeoutSeconds) }
        guard let split = raw.firstRange(of: [13, 10, 13, 10]) else {
            throw Failure(description: "GET \(path): no complete response header")
        }
        let head = String(decoding: raw[..<split.lowerBound], as: UTF8.self)
        let parts = head.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let code = Int(parts[1]) else { throw Failure(description: "GET \(path): bad status line \(head.prefix(80))") }
        return (code, String(decoding: raw[split.upperBound...], as: UTF8.self))
    }

    private static func exchange(port: Int, path: String, timeoutSeconds: Int) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to 127.0.0.1:\(port): errno \(errno)") }
        let request = Array("GET \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send to 127.0.0.1:\(port): errno \(errno)") }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { break }
            guard n > 0 else { throw Failure(description: "receive from 127.0.0.1:\(port): errno \(errno)") }
            response += buffer[0..<n]
        }
        return response
    }
}
