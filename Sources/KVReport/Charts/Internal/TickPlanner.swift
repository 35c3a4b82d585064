import Foundation

/// Chooses a value axis's range and ticks: round 1-2-5 steps on linear axes; powers of 10 or 2
/// (every decade, or every 2nd, 3rd … power) on log axes. Of the candidate tick sets, densest
/// first, it keeps the first whose labels do not collide at `TextMetrics`' generous widths.
struct TickPlanner {
    enum Orientation { case horizontal, vertical }

    var axis: Axis
    var orientation: Orientation
    /// Canvas coordinates of the axis ends: left → right, or bottom → top.
    var start: Double
    var end: Double
    var fontSize = ChartStyle.labelFontSize
    /// Room between neighbouring labels.
    static let horizontalGap = 8.0
    static let verticalGap = 4.0

    /// The largest value magnitude an axis shows; beyond it values are treated as unplaceable.
    static let limit = 1e300
    /// A tick label longer than this (from an unusual `format`) is shortened with `…`.
    static let maxLabelWidth = 120.0

    var length: Double { abs(end - start) }

    /// The most ticks an axis shows: more reads as clutter, however small the labels.
    var maxTicks: Int {
        let spacing = orientation == .horizontal ? 72.0 : 34.0
        return max(2, min(7, Int(length / spacing)))
    }

    /// - Parameters:
    ///   - values: every value the axis must show (data and annotations); unplaceable ones are ignored.
    ///   - includeZero: a linear axis without a fixed `min`/`max` reaches 0.
    ///   - pad: a log axis leaves a little room beyond the data so markers do not sit on the frame.
    func layout(values: [Double], includeZero: Bool, pad: Bool) -> ValueAxisLayout {
        axis.scale == .log ? logLayout(values: values, pad: pad) : linearLayout(values: values, includeZero: includeZero)
    }

    // MARK: Linear

    private func linearLayout(values: [Double], includeZero: Bool) -> ValueAxisLayout {
        let fixedMin = axis.min.flatMap { $0.isFinite && abs($0) <= Self.limit ? $0 : nil }
        let fixedMax = axis.max.flatMap { $0.isFinite && abs($0) <= Self.limit ? $0 : nil }
        let usable = values.filter { $0.isFinite && abs($0) <= Self.limit }
        var lower = fixedMin ?? usable.min() ?? 0
        var upper = fixedMax ?? usable.max() ?? 1
        if includeZero {
            if fixedMin == nil { lower = min(lower, 0) }
            if fixedMax == nil { upper = max(upper, 0) }
        }
        if lower > upper { swap(&lower, &upper) }
        if upper - lower <= max(abs(lower), abs(upper)) * 1e-9 {
            // All values equal (or a zero-width fixed range): give the axis some width around them.
            let spread = lower == 0 ? 1 : abs(lower) * 0.1
            switch (fixedMin, fixedMax) {
            case (nil, nil) where includeZero && lower == 0: upper = 1
            case (nil, nil): lower -= spread; upper += spread
            case (nil, _): lower = upper - 2 * spread
            default: upper = lower + 2 * spread
            }
        }
        var tried = Set<Double>()
        for count in stride(from: maxTicks, through: 1, by: -1) {
            let step = Self.niceStep((upper - lower) / Double(count))
            guard step > 0, step.isFinite, tried.insert(step).inserted else { continue }
            let shownLower = fixedMin ?? (lower / step).rounded(.down) * step
            let shownUpper = fixedMax ?? (upper / step).rounded(.up) * step
            guard shownUpper > shownLower else { continue }
            let first = (shownLower / step - 1e-9).rounded(.up), last = (shownUpper / step + 1e-9).rounded(.down)
            // Widening to whole steps may add a tick beyond the target: allow one more.
            guard last - first >= 1, last - first <= Double(maxTicks) else { continue }
            let values = (0...Int(last - first)).map { Self.multiple(first + Double($0), of: step) }
            let candidate = make(lower: shownLower, upper: shownUpper, isLog: false, tickValues: values)
            if fits(candidate) { return candidate }
        }
        return fallback(lower: lower, upper: upper, isLog: false)
    }

    /// `count × step` without binary noise (3 × 0.1 is 0.3, not 0.30000000000000004), so that any
    /// `format` prints it cleanly.
    static func multiple(_ count: Double, of step: Double) -> Double {
        let decimals = Int(max(0, -floor(log10(step))))
        var value = count * step
        if decimals > 0, decimals < 300 {
            let scale = LabelNumber.power10(decimals)
            value = (value * scale).rounded() / scale
        }
        return value == 0 ? 0 : value  // never -0
    }

    /// The 1-2-5 number nearest above `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 0 }
        let exponent = floor(log10(raw))
        let magnitude = LabelNumber.power10(Int(exponent))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 + 1e-9 ? 1 : fraction <= 2 + 1e-9 ? 2 : fraction <= 5 + 1e-9 ? 5 : 10
        return nice * magnitude
    }

    // MARK: Log

    private func logLayout(values: [Double], pad: Bool) -> ValueAxisLayout {
        func placeable(_ value: Double?) -> Double? {
            guard let value, value.isFinite, value >= 1e-300, value <= Self.limit else { return nil }
            return value
        }
        let fixedMin = placeable(axis.min), fixedMax = placeable(axis.max)
        let usable = values.compactMap(placeable)
        var lower = fixedMin ?? usable.min() ?? 1
        var upper = fixedMax ?? usable.max() ?? 10
        if lower > upper { swap(&lower, &upper) }
        if upper / lower < 1 + 1e-9 {
            // All values equal (or a zero-width fixed range): a factor of 4 around them.
            switch (fixedMin, fixedMax) {
            case (nil, nil): lower /= 2; upper *= 2
            case (nil, _): lower = upper / 4
            default: upper = lower * 4
            }
        }
        let base = axis.logBase ?? (Self.isPowerOfTwo(lower) || Self.isPowerOfTwo(upper) ? 2 : 10)
        if pad {
            // 4 % of the axis beyond each end (in log space, so huge ranges cannot overflow), then
            // out to a round 1-2-5 value on decimal axes.
            let room = 0.04 * (log10(upper) - log10(lower))
            if fixedMin == nil { lower = max(pow(10, log10(lower) - room), 1e-300) }
            if fixedMax == nil { upper = min(pow(10, log10(upper) + room), Self.limit) }
            if base != 2 {
                if fixedMin == nil { lower = max(Self.roundLogValue(lower, up: false), 1e-300) }
                if fixedMax == nil { upper = min(Self.roundLogValue(upper, up: true), Self.limit) }
            }
        }
        for tickValues in logCandidates(lower: lower, upper: upper, base: base == 2 ? 2 : 10) {
            let candidate = make(lower: lower, upper: upper, isLog: true, tickValues: tickValues)
            if fits(candidate) { return candidate }
        }
        // Less than a power apart: round linear steps, placed on the log scale.
        var tried = Set<Double>()
        for count in stride(from: maxTicks, through: 2, by: -1) {
            let step = Self.niceStep((upper - lower) / Double(count))
            guard step > 0, tried.insert(step).inserted else { continue }
            let first = (lower / step - 1e-9).rounded(.up), last = (upper / step + 1e-9).rounded(.down)
            guard last - first >= 1, last - first <= Double(maxTicks) else { continue }
            let values = (0...Int(last - first)).map { Self.multiple(first + Double($0), of: step) }.filter { $0 > 0 }
            let candidate = make(lower: lower, upper: upper, isLog: true, tickValues: values)
            if candidate.ticks.count >= 2, fits(candidate) { return candidate }
        }
        return fallback(lower: lower, upper: upper, isLog: true)
    }

    /// Tick sets on a log axis, densest first.
    private func logCandidates(lower: Double, upper: Double, base: Int) -> [[Double]] {
        let logBase = log10(Double(base))
        let lowest = Int((log10(lower) / logBase - 1e-9).rounded(.up))
        let highest = Int((log10(upper) / logBase + 1e-9).rounded(.down))
        func power(_ exponent: Int) -> Double {
            base == 2 ? Double(sign: .plus, exponent: exponent, significand: 1) : LabelNumber.power10(exponent)
        }
        func inRange(_ value: Double) -> Bool { value >= lower * (1 - 1e-9) && value <= upper * (1 + 1e-9) && value.isNormal }
        var candidates: [[Double]] = []
        let powers = highest >= lowest ? highest - lowest + 1 : 0
        if base == 10, powers < 3 {
            // Within two decades, 1-2-5 steps say more than one or two powers of ten.
            for multiples in [[1.0, 2, 5], [1.0, 3]] {
                let values = (lowest - 1...highest).flatMap { exponent in multiples.map { $0 * power(exponent) } }.filter(inRange)
                if values.count >= 2 { candidates.append(values) }
            }
        }
        guard powers >= 1 else { return candidates }
        // Every power, every 2nd, 3rd …, aligned so that ticks sit on multiples of the stride.
        let firstStride = max(1, powers / maxTicks)
        for stride in firstStride...(firstStride + 40) {
            let exponents = (lowest...highest).filter { (($0 % stride) + stride) % stride == 0 }
            let values = exponents.map(power).filter(inRange)
            if values.count < 2 { break }
            if values.count <= maxTicks { candidates.append(values) }
        }
        return candidates
    }

    /// The nearest 1, 2 or 5 × 10^k below (or above) `value`.
    static func roundLogValue(_ value: Double, up: Bool) -> Double {
        let exponent = Int(floor(log10(value)))
        let candidates = (exponent - 1...exponent + 1).flatMap { e in [1.0, 2, 5].map { $0 * LabelNumber.power10(e) } }
        return (up ? candidates.first { $0 >= value } : candidates.last { $0 <= value }) ?? value
    }

    static func isPowerOfTwo(_ value: Double) -> Bool {
        value >= 2 && value.significand == 1 && value == value.rounded()
    }

    // MARK: Shared

    private func make(lower: Double, upper: Double, isLog: Bool, tickValues: [Double]) -> ValueAxisLayout {
        var layout = ValueAxisLayout(lower: lower, upper: upper, isLog: isLog, ticks: [], start: start, end: end)
        layout.ticks = tickValues.filter { layout.contains($0) }.map {
            Tick(value: $0, label: TextMetrics.truncated(axis.format($0), toWidth: Self.maxLabelWidth, fontSize: fontSize))
        }
        return layout
    }

    /// Neither two ticks at one spot, nor two equal labels side by side, nor overlapping labels.
    func fits(_ layout: ValueAxisLayout) -> Bool {
        let placed = layout.ticks.compactMap { tick in layout.position(tick.value).map { (position: $0, label: tick.label) } }
        guard placed.count == layout.ticks.count else { return false }
        for (a, b) in zip(placed, placed.dropFirst()) {
            if a.label == b.label { return false }
            let distance = abs(b.position - a.position)
            switch orientation {
            case .horizontal:
                let needed = (TextMetrics.width(a.label, fontSize: fontSize) + TextMetrics.width(b.label, fontSize: fontSize)) / 2
                if distance < needed + Self.horizontalGap { return false }
            case .vertical:
                if distance < fontSize + Self.verticalGap { return false }
            }
        }
        return true
    }

    /// When no tick set fits: the range's ends, or only its lower end.
    private func fallback(lower: Double, upper: Double, isLog: Bool) -> ValueAxisLayout {
        let both = make(lower: lower, upper: upper, isLog: isLog, tickValues: [lower, upper])
        if fits(both) { return both }
        return make(lower: lower, upper: upper, isLog: isLog, tickValues: [lower])
    }
}
