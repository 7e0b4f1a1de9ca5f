import Foundation

/// Maps byte strings to values made once, so a reader of millions of lines makes a `DeviceID`
/// or `SensorID` per distinct id, not per line. Open addressing keyed by a multiplicative hash
/// of the bytes taken eight at a time.
struct InternTable<Value> {
    private var hashes: [UInt64]
    private var keys: [[UInt8]]
    private var values: [Value?]
    private var count = 0
    private var mask: Int

    init(capacity: Int = 256) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        hashes = Array(repeating: 0, count: size)
        keys = Array(repeating: [], count: size)
        values = Array(repeating: nil, count: size)
        mask = size - 1
    }

    /// Each eight bytes are mixed in with one multiply by 2⁶⁴/φ and a shift that brings the high
    /// bits down, so the low bits that pick the slot depend on every byte. FNV-1a, byte by
    /// byte, was a chain of fifty dependent multiplies for a beacon's id at every line.
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let multiplier: UInt64 = 0x9e37_79b9_7f4a_7c15
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            var i = 0
            while i &+ 8 <= bytes.count {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* multiplier
                h ^= h >> 29
                i &+= 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < bytes.count {
                tail |= UInt64(base[i]) << shift
                shift &+= 8
                i &+= 1
            }
            h = (h ^ tail) &* multiplier
        }
        h ^= h >> 32
        return h | 1  // 0 marks an empty slot
    }

    mutating func value(for bytes: UnsafeBufferPointer<UInt8>, make: () -> Value) -> Value {
        let h = InternTable.hash(bytes)
        var slot = Int(truncatingIfNeeded: h) & mask
        while hashes[slot] != 0 {
            if hashes[slot] == h, Self.equal(keys[slot], bytes) { return values[slot]! }
            slot = (slot + 1) & mask
        }
        let value = make()
        hashes[slot] = h
        keys[slot] = Array(bytes)
        values[slot] = value
        count += 1
        if count * 2 > hashes.count { grow() }
        return value
    }

    /// Whether a stored key holds these bytes: one `memcmp`, not the generic `elementsEqual`,
    /// which walked both sequences an element at a time and cost as much as the hash.
    @inline(__always)
    private static func equal(_ key: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard key.count == bytes.count else { return false }
        return key.withUnsafeBufferPointer { key in
            guard let a = key.baseAddress, let b = bytes.baseAddress else { return true }
            return memcmp(a, b, key.count) == 0
        }
    }

    private mutating func grow() {
        let oldHashes = hashes, oldKeys = keys, oldValues = values
        let size = hashes.count * 2
        hashes = Array(repeating: 0, count: size)
        keys = Array(repeating: [], count: size)
        values = Array(repeating: nil, count: size)
        mask = size - 1
        for i in oldHashes.indices where oldHashes[i] != 0 {
            var slot = Int(truncatingIfNeeded: oldHashes[i]) & mask
            while hashes[slot] != 0 { slot = (slot + 1) & mask }
            hashes[slot] = oldHashes[i]
            keys[slot] = oldKeys[i]
            values[slot] = oldValues[i]
        }
    }
}
