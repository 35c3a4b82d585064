/// The axes kvplan's report charts share, so that every chart of tokens or seconds reads alike.
extension Axis {
    /// Context (or prompt) length in tokens: `4K`, `128K`, `1M`.
    static func tokens(_ title: String = "context length (tokens)", scale: AxisScale = .log) -> Axis {
        Axis(title: title, scale: scale, format: { Format.tokens(Int(clamping: $0.rounded())) })
    }

    /// Times in seconds on a log scale, to three significant digits.
    static func seconds(_ title: String) -> Axis {
        Axis(title: title, scale: .log, format: { Format.fixed($0, significant: 3) })
    }

    /// Gigabytes (or gibibytes) on a linear scale.
    static func gigabytes(_ title: String) -> Axis {
        Axis(title: title, scale: .linear, format: { Format.fixed($0, significant: 3) })
    }
}
