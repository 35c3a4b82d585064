import KVStudy

/// What a finding or a figure is about, so that the site's index can pair a study's headline
/// sentence with the matching figure: one of the quantities, or a subject of its own.
public enum Topic: Sendable, Hashable {
    case quantity(Quantity.Key)
    case offload, memory, roofline, kvSession, sharing, sharingTTFT, sharingPaged, measured, measuredOverlay, note
    case communication, prefillMemory, speculative, plan

    public static let concurrency = Topic.quantity(.concurrency)
    public static let prefill = Topic.quantity(.prefill)
    public static let decode = Topic.quantity(.decode)
    public static let switching = Topic.quantity(.switching)
    public static let cost = Topic.quantity(.cost)

    /// What a study's `headline` names.
    init(_ headline: Study.Headline) {
        switch headline {
        case .measured: self = .measured
        case .sharing: self = .sharingTTFT
        default: self = headline.quantity.map(Topic.quantity) ?? .note
        }
    }
}

extension Quantity {
    /// A value as tables and axes show it: whole sessions, or three significant digits.
    func formatted(_ value: Double) -> String {
        isCount ? Format.integer(Int(clamping: value)) : Format.fixed(value, significant: 3)
    }
}
