import BridgeSupport
import CoreMetrics
import Prometheus

/// The swift-metrics backend of `bridge run`: every metric lands in one Prometheus registry
/// with the help text and histogram buckets of `MetricCatalogue`.
///
/// Why not swift-prometheus' own `PrometheusMetricsFactory`: it registers every metric with an
/// empty help text, so `promtool check metrics` reports each one ("no help text"), and it gives
/// every histogram the same buckets. A label missing from the catalogue is still exported
/// (without help), so a forgotten entry fails the lint test rather than losing data.
struct CataloguedMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry

    /// The exporter's defaults, for histograms whose entry names no buckets.
    static let defaultDurations: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                                .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
                                                .milliseconds(2500), .seconds(5), .seconds(10)]
    static let defaultValues: [Double] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]

    /// The label as the whole name, with the catalogue's help text (empty when it has none).
    private func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: MetricCatalogue.entry(label)?.help ?? "")
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: dimensions) }
        var buckets = Self.defaultValues
        if case .values(let custom) = MetricCatalogue.entry(label)?.buckets { buckets = custom }
        return registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions, buckets: buckets)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        var buckets = Self.defaultDurations
        if case .durations(let custom) = MetricCatalogue.entry(label)?.buckets { buckets = custom }
        return registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: buckets)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? ValueHistogram { registry.unregisterValueHistogram(histogram) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}
