import CSHA256

/// SHA-256 (FIPS 180-4) of bytes, as lowercase hex: the provenance footer's fingerprints and the
/// output directory's manifest. Small enough to own; avoids pulling a crypto package into every
/// clean build. Where the CPU has SHA instructions (x86 SHA-NI), whole blocks go through them
/// (`CSHA256`, about 6× faster: a large study's gigabytes of CSV and JSON are hashed as written);
/// elsewhere through `compress` below. Both compute §6.2.2 exactly (`SHA256Tests`).
public struct SHA256 {
    /// Whether whole blocks go through the CPU's SHA instructions (checked once).
    static let hardware = kvplan_sha256_hardware_available() != 0

    public static func hex(_ text: String) -> String { hex(Array(text.utf8)) }

    public static func hex(_ message: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(message)
        return hasher.finalHex()
    }

    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    /// Bytes not yet hashed (fewer than one 64-byte block).
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    /// Whether this hasher uses the CPU's SHA instructions (a test compares it with the Swift path).
    let usesHardware: Bool

    /// A hash fed in pieces (`update`), for a file written as it is produced.
    public init() { usesHardware = Self.hardware }

    init(hardware: Bool) { usesHardware = hardware && Self.hardware }

    public mutating func update(_ bytes: [UInt8]) {
        length &+= UInt64(bytes.count)
        var start = 0
        if !pending.isEmpty {
            let taken = min(64 - pending.count, bytes.count)
            pending += bytes[0..<taken]
            start = taken
            guard pending.count == 64 else { return }
            let block = pending
            block.withUnsafeBufferPointer { compress($0.baseAddress!, blocks: 1) }
            pending.removeAll(keepingCapacity: true)
        }
        bytes.withUnsafeBufferPointer { buffer in
            let blocks = (buffer.count - start) / 64
            guard blocks > 0 else { return }
            compress(buffer.baseAddress! + start, blocks: blocks)
            start += 64 * blocks
        }
        pending += bytes[start...]
    }

    /// The digest as lowercase hex; the hasher is spent.
    public mutating func finalHex() -> String {
        let bitLength = length &* 8
        var tail: [UInt8] = [0x80]
        while (pending.count + tail.count) % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        update(tail)
        return [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7].map { word in
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 8 - hex.count) + hex
        }.joined()
    }

    /// FIPS 180-4 §6.2.2 on `blocks` consecutive 64-byte blocks.
    private mutating func compress(_ data: UnsafePointer<UInt8>, blocks: Int) {
        if usesHardware {
            withUnsafeMutableBytes(of: &h) { state in
                kvplan_sha256_hardware_blocks(state.baseAddress!.assumingMemoryBound(to: UInt32.self), data, blocks)
            }
        } else {
            for block in 0..<blocks { compress(data + 64 * block) }
        }
    }

    /// FIPS 180-4 §6.2.2 on one 64-byte block in Swift (unchecked buffers: where the CPU has no
    /// SHA instructions this runs for every 64 bytes of a site, a large study's gigabytes included).
    mutating func compress(_ block: UnsafePointer<UInt8>) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for i in 0..<16 {
                let j = 4 * i
                w[i] = UInt32(block[j]) << 24 | UInt32(block[j + 1]) << 16 | UInt32(block[j + 2]) << 8 | UInt32(block[j + 3])
            }
            for i in 16..<64 {
                let s0 = Self.rotr(w[i - 15], 7) ^ Self.rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = Self.rotr(w[i - 2], 17) ^ Self.rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            Self.k.withUnsafeBufferPointer { k in
                var (a, b, c, d, e, f, g, hh) = h
                for i in 0..<64 {
                    let s1 = Self.rotr(e, 6) ^ Self.rotr(e, 11) ^ Self.rotr(e, 25)
                    let choice = (e & f) ^ (~e & g)
                    let t1 = hh &+ s1 &+ choice &+ k[i] &+ w[i]
                    let s0 = Self.rotr(a, 2) ^ Self.rotr(a, 13) ^ Self.rotr(a, 22)
                    let majority = (a & b) ^ (a & c) ^ (b & c)
                    let t2 = s0 &+ majority
                    (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
                }
                h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
            }
        }
    }

    @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    private static let k: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}
