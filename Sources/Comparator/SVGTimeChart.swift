import BridgeModel

/// A small inline SVG chart over a time axis (no scripts, no external assets): lines or steps
/// through timed points, and markers whose `<title>` tells what happened there (a browser shows
/// it on hover).
struct SVGTimeChart {
    struct Point {
        var at: Timestamp
        var value: Double
    }

    struct Series {
        var name: String
        var color: String
        var points: [Point]
        /// Holds each value until the next point (a state over time) instead of a straight line.
        var stepped = false
    }

    struct Marker {
        enum Shape { case dot, hollowSquare }
        var at: Timestamp
        var value: Double
        var shape: Shape
        var color: String
        var title: String
    }

    var title: String
    var series: [Series]
    var markers: [Marker] = []
    /// The time axis, oldest to newest.
    var window: ClosedRange<Timestamp>
    /// The top of the value axis (nil: the largest value).
    var maxValue: Double?
    var formatValue: (Double) -> String
    /// What the shapes mean, shown under the chart.
    var legend: [(shape: Marker.Shape, color: String, text: String)] = []
    var width = 640.0
    var height = 190.0

    private let left = 56.0, right = 12.0, top = 24.0, bottom = 34.0
    private var plotW: Double { width - left - right }
    private var plotH: Double { height - top - bottom }

    func render() -> String {
        let top = max(maxValue ?? (series.flatMap(\.points).map(\.value) + markers.map(\.value)).max() ?? 0, 0)
        let scale = top > 0 ? top : 1
        func x(_ t: Timestamp) -> Double {
            let span = Double(window.upperBound.millis - window.lowerBound.millis)
            return left + (span > 0 ? Double(t.millis - window.lowerBound.millis) / span * plotW : plotW / 2)
        }
        func y(_ v: Double) -> Double { self.top + plotH - v / scale * plotH }

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
        svg += "<title>\(HTMLText.escape(title))</title>"
        svg += "<text x=\"\(left)\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(HTMLText.escape(title))</text>"
        svg += "<line x1=\"\(left)\" y1=\"\(self.top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(self.top + plotH)\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(self.top)\" x2=\"\(left)\" y2=\"\(self.top + plotH)\" stroke=\"#999\"/>"
        svg += "<text x=\"\(left - 4)\" y=\"\(self.top + 4)\" font-size=\"10\" text-anchor=\"end\">\(HTMLText.escape(formatValue(top)))</text>"
        svg += "<text x=\"\(left - 4)\" y=\"\(self.top + plotH)\" font-size=\"10\" text-anchor=\"end\">0</text>"
        let axisY = self.top + plotH + 12
        for (t, anchor) in [(window.lowerBound, "start"), (window.upperBound, "end")] {
            svg += "<text x=\"\(format(x(t)))\" y=\"\(format(axisY))\" font-size=\"10\" text-anchor=\"\(anchor)\">\(HTMLText.escape(Self.timeLabel(t, window: window)))</text>"
        }
        for s in series where !s.points.isEmpty {
            var coordinates: [String] = []
            for (i, p) in s.points.enumerated() {
                if s.stepped && i > 0 { coordinates.append("\(format(x(p.at))),\(format(y(s.points[i - 1].value)))") }
                coordinates.append("\(format(x(p.at))),\(format(y(p.value)))")
            }
            svg += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\" points=\"\(coordinates.joined(separator: " "))\"/>"
        }
        for m in markers {
            let (cx, cy) = (format(x(m.at)), format(y(m.value)))
            let title = "<title>\(HTMLText.escape(m.title))</title>"
            switch m.shape {
            case .dot: svg += "<circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"4\" fill=\"\(m.color)\">\(title)</circle>"
            case .hollowSquare:
                svg += "<rect x=\"\(format(x(m.at) - 4))\" y=\"\(format(y(m.value) - 4))\" width=\"8\" height=\"8\" fill=\"white\" stroke=\"\(m.color)\" stroke-width=\"2\">\(title)</rect>"
            }
        }
        var lx = left + 90
        for (shape, color, text) in legend {
            let ly = height - 8
            switch shape {
            case .dot: svg += "<circle cx=\"\(format(lx))\" cy=\"\(format(ly - 3))\" r=\"4\" fill=\"\(color)\"/>"
            case .hollowSquare: svg += "<rect x=\"\(format(lx - 4))\" y=\"\(format(ly - 7))\" width=\"8\" height=\"8\" fill=\"white\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            }
            svg += "<text x=\"\(format(lx + 8))\" y=\"\(format(ly))\" font-size=\"10\">\(HTMLText.escape(text))</text>"
            lx += 22 + Double(text.count) * 5.5
        }
        return svg + "</svg>"
    }

    /// "10:42:57" within one day, "11-29 10:42" across days (UTC).
    static func timeLabel(_ t: Timestamp, window: ClosedRange<Timestamp>) -> String {
        let iso = t.iso8601  // 2026-11-30T10:42:57.123Z
        let sameDay = window.lowerBound.utcDay == window.upperBound.utcDay
        let time = iso.dropFirst(11).prefix(sameDay ? 8 : 5)
        return (sameDay ? "" : String(iso.dropFirst(5).prefix(5)) + " ") + time + " UTC"
    }

    private func format(_ v: Double) -> String { String(Double((v * 10).rounded()) / 10) }
}
