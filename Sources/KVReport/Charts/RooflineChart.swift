import Foundation

/// One phase placed on a roofline: its arithmetic intensity and the FLOP rate it attains.
public struct RooflinePoint: Sendable, Equatable {
    public var label: String
    /// FLOP per byte moved from memory.
    public var intensity: Double
    public var flopsPerSecond: Double

    public init(label: String, intensity: Double, flopsPerSecond: Double) {
        (self.label, self.intensity, self.flopsPerSecond) = (label, intensity, flopsPerSecond)
    }
}

/// The roofline model (Williams, Waterman & Patterson, 2009) on log–log axes: attainable
/// FLOP/s = min(peak FLOP/s, memory bandwidth × arithmetic intensity), with phases such as
/// prefill and decode placed on it. Left of the ridge point a phase is memory-bound, right of
/// it compute-bound.
public struct RooflineChart: Sendable {
    public var title: String
    public var peakFLOPsPerSecond: Double
    public var bytesPerSecond: Double
    public var points: [RooflinePoint]
    public var showsTitle = true
    public var description: String?

    public init(title: String, peakFLOPsPerSecond: Double, bytesPerSecond: Double, points: [RooflinePoint]) {
        self.title = title
        self.peakFLOPsPerSecond = peakFLOPsPerSecond
        self.bytesPerSecond = bytesPerSecond
        self.points = points
    }

    public init(title: String, peakFLOPsPerSecond: Double, bytesPerSecond: Double, points: [(label: String, intensity: Double, flopsPerSecond: Double)]) {
        self.init(
            title: title, peakFLOPsPerSecond: peakFLOPsPerSecond, bytesPerSecond: bytesPerSecond,
            points: points.map { RooflinePoint(label: $0.label, intensity: $0.intensity, flopsPerSecond: $0.flopsPerSecond) }
        )
    }

    var hasRoof: Bool {
        peakFLOPsPerSecond.isFinite && peakFLOPsPerSecond > 0 && bytesPerSecond.isFinite && bytesPerSecond > 0
            && (peakFLOPsPerSecond / bytesPerSecond).isNormal
    }

    /// Intensity at which the roof turns flat: peak ÷ bandwidth.
    public var ridgeIntensity: Double? { hasRoof ? peakFLOPsPerSecond / bytesPerSecond : nil }

    /// The axes' ranges: whole decades around the points and the ridge.
    func ranges() -> (intensity: ClosedRange<Double>, flops: ClosedRange<Double>) {
        let placed = points.filter { $0.intensity.isNormal && $0.intensity > 0 && $0.flopsPerSecond.isNormal && $0.flopsPerSecond > 0 }
        let intensities = placed.map(\.intensity) + (ridgeIntensity.map { [$0] } ?? [])
        let rates = placed.map(\.flopsPerSecond) + (hasRoof ? [peakFLOPsPerSecond, peakFLOPsPerSecond / 300] : [])
        func decades(_ values: [Double], below: Double, above: Double, fallback: ClosedRange<Double>) -> ClosedRange<Double> {
            guard let low = values.min(), let high = values.max() else { return fallback }
            let lower = max(floor(log10(low / below)), -300), upper = min(ceil(log10(high * above)), 300)
            return LabelNumber.power10(Int(lower))...LabelNumber.power10(Int(max(upper, lower + 1)))
        }
        return (decades(intensities, below: 3, above: 3, fallback: 0.1...1000), decades(rates, below: 2, above: 1.5, fallback: 1e9...1e15))
    }

    public func svg(id: String) -> String {
        let (intensityRange, flopsRange) = ranges()
        let x = Axis(title: "arithmetic intensity (FLOP/byte)", scale: .log, min: intensityRange.lowerBound, max: intensityRange.upperBound, logBase: 10)
        let y = Axis(title: "attainable performance (FLOP/s)", scale: .log, min: flopsRange.lowerBound, max: flopsRange.upperBound, logBase: 10)
        let peak = LabelNumber.compact(peakFLOPsPerSecond), bandwidth = LabelNumber.compact(bytesPerSecond)
        let roofName = "roof: min(\(peak)FLOP/s, \(bandwidth)B/s × intensity)"
        var legend: [Legend.Entry] = hasRoof ? [Legend.Entry(name: roofName, look: .reference, symbol: .line(dashed: false, line: true, marker: false))] : []
        legend += points.enumerated().map { Legend.Entry(name: $1.label, look: .series($0), symbol: .line(dashed: false, line: false, marker: true)) }
        var summary = "Roofline chart on log–log axes."
        if let ridge = ridgeIntensity {
            summary += " Peak \(peak)FLOP/s, memory bandwidth \(bandwidth)B/s, ridge point at \(LabelNumber.compact(ridge)) FLOP/byte."
        }
        if !points.isEmpty {
            summary += " Points: " + points.map {
                "\($0.label) at \(LabelNumber.compact($0.intensity)) FLOP/byte, \(LabelNumber.compact($0.flopsPerSecond))FLOP/s"
            }.joined(separator: "; ") + "."
        }
        let frame = ChartFrame(
            id: id, kind: "roofline", title: title, showsTitle: showsTitle, summary: summary, description: description,
            horizontal: .values(x, []), vertical: y, verticalValues: [], verticalIncludesZero: false, verticalPadded: false,
            legend: legend,
            annotations: ridgeIntensity.map { [ChartAnnotation(x: $0, label: "ridge \(LabelNumber.compact($0)) FLOP/byte")] } ?? []
        )
        let (points, hasRoof, peakRate, bandwidthRate) = (self.points, self.hasRoof, peakFLOPsPerSecond, bytesPerSecond)
        return frame.render { geometry, svg in
            var roofLine: [(x: Double, y: Double)] = []
            if hasRoof {
                let (low, high) = (intensityRange.lowerBound, intensityRange.upperBound)
                let ridge = peakRate / bandwidthRate
                let roof = [ChartPoint(x: low, y: bandwidthRate * low), ChartPoint(x: ridge, y: peakRate), ChartPoint(x: high, y: peakRate)]
                LinePainter.draw(
                    name: roofName, points: roof, look: .reference, line: true, dashed: false, markers: .none, tooltip: { _ in "" },
                    in: geometry, into: &svg
                )
                if case let .values(xAxis) = geometry.x {
                    roofLine = roof.compactMap { point in
                        guard let x = xAxis.position(point.x), let y = geometry.y.position(point.y) else { return nil }
                        return (x, y)
                    }
                }
            }
            var labelBoxes = geometry.reserved
            for (index, point) in points.enumerated() {
                let chartPoint = ChartPoint(x: point.intensity, y: point.flopsPerSecond)
                LinePainter.draw(
                    name: point.label, points: [chartPoint], look: .series(index), line: false, dashed: false, markers: .all,
                    tooltip: { "\(point.label): \(LabelNumber.compact($0.x)) FLOP/byte, \(LabelNumber.compact($0.y))FLOP/s" },
                    in: geometry, into: &svg
                )
                PointLabels.place(point.label, at: chartPoint, in: geometry, avoiding: &labelBoxes, lines: [roofLine], into: &svg)
            }
        }
    }
}
