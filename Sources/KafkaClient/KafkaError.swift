import CRdKafka
import ServiceSupport

/// An error reported by librdkafka: its code, its text, and whether it is fatal (the client
/// must be recreated) or retriable (the same call may succeed later).
package struct KafkaError: ServiceError {
    package var code: Int32
    package var message: String
    package var operation: String
    package var isFatal: Bool
    package var isRetriable: Bool

    package init(code: Int32, message: String, operation: String, isFatal: Bool = false, isRetriable: Bool = false) {
        self.code = code
        self.message = message
        self.operation = operation
        self.isFatal = isFatal
        self.isRetriable = isRetriable
    }

    init(_ err: rd_kafka_resp_err_t, operation: String) {
        self.init(code: err.rawValue, message: String(cString: rd_kafka_err2str(err)), operation: operation,
                  isRetriable: Self.retriableCodes.contains(err))
    }

    /// Codes that mean "no broker answered in time" rather than "this request is wrong": the
    /// broker down or restarting (a message that timed out in the producer's queue included;
    /// sending it again is the remedy).
    private static let retriableCodes: Set<rd_kafka_resp_err_t> = [
        RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
        RD_KAFKA_RESP_ERR__MSG_TIMED_OUT,
    ]

    /// Reads and destroys an `rd_kafka_error_t` (leaking them is a known pitfall).
    init(consuming error: OpaquePointer, operation: String) {
        self.init(code: rd_kafka_error_code(error).rawValue, message: String(cString: rd_kafka_error_string(error)),
                  operation: operation, isFatal: rd_kafka_error_is_fatal(error) != 0,
                  isRetriable: rd_kafka_error_is_retriable(error) != 0)
        rd_kafka_error_destroy(error)
    }

    /// A fatal error needs a new client, so retrying the same call cannot help.
    package var isTransient: Bool { isRetriable && !isFatal }

    package var description: String { "kafka \(operation) failed: \(message)" }

    /// A call on a client after its `close()`.
    static func closed(operation: String) -> KafkaError {
        KafkaError(code: RD_KAFKA_RESP_ERR__DESTROY.rawValue, message: "the client is closed", operation: operation)
    }

}
