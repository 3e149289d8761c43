/// A small inline SVG line chart (no scripts, no external assets), one polyline per series,
/// for the HTML report's history of rounds.
struct SVGLineChart {
    struct Series {
        var name: String
        var color: String
        var values: [Double]
    }

    var title: String
    var series: [Series]
    var formatMax: (Double) -> String
    var width = 640.0
    var height = 180.0

    func render() -> String {
        let left = 56.0, right = 12.0, top = 24.0, bottom = 28.0
        let plotW = width - left - right, plotH = height - top - bottom
        let count = series.map(\.values.count).max() ?? 0
        let maxValue = max(series.flatMap(\.values).max() ?? 0, 0)
        let scale = maxValue > 0 ? maxValue : 1
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
        svg += "<title>\(HTMLText.escape(title))</title>"
        svg += "<text x=\"\(left)\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(HTMLText.escape(title))</text>"
        svg += "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotH)\" stroke=\"#999\"/>"
        svg += "<text x=\"\(left - 4)\" y=\"\(top + 4)\" font-size=\"10\" text-anchor=\"end\">\(HTMLText.escape(formatMax(maxValue)))</text>"
        svg += "<text x=\"\(left - 4)\" y=\"\(top + plotH)\" font-size=\"10\" text-anchor=\"end\">0</text>"
        svg += "<text x=\"\(left + plotW)\" y=\"\(height - 8)\" font-size=\"10\" text-anchor=\"end\">\(count) most recent rounds</text>"
        for (n, s) in series.enumerated() where !s.values.isEmpty {
            let step = s.values.count > 1 ? plotW / Double(s.values.count - 1) : 0
            let points = s.values.enumerated().map { i, v in
                let x = left + (s.values.count > 1 ? Double(i) * step : plotW / 2)
                let y = top + plotH - v / scale * plotH
                return "\(format(x)),\(format(y))"
            }
            svg += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
            if let last = points.last {
                let xy = last.split(separator: ",")
                svg += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\" fill=\"\(s.color)\"/>"
            }
            svg += "<text x=\"\(left + 8 + Double(n) * 110)\" y=\"\(height - 8)\" font-size=\"10\" fill=\"\(s.color)\">\(HTMLText.escape(s.name))</text>"
        }
        return svg + "</svg>"
    }

    private func format(_ x: Double) -> String {
        String(Double((x * 10).rounded()) / 10)
    }
}
