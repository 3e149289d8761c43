/// Where the brokers are and any extra librdkafka properties (security.protocol, sasl.*,
/// ssl.*, tuning): passed through unchanged to every client the bridge creates.
package struct KafkaConfiguration: Sendable {
    package var brokers: String
    package var properties: [String: String]

    package init(brokers: String, properties: [String: String] = [:]) {
        self.brokers = brokers
        self.properties = properties
    }

    /// The whole bootstrap list (`host:port[,host:port…]`) as the user gave it, for one-line
    /// error messages: which of the brokers was tried first is librdkafka's choice.
    package var address: String { brokers }
}

/// librdkafka's version at run time (the shared library actually loaded, which may differ
/// from the headers the package was compiled against).
package var librdkafkaVersion: String { String(cString: rd_kafka_version_str()) }

import CRdKafka
