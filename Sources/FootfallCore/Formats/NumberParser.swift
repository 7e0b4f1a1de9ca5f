import Foundation

/// Decimal numbers from bytes, exactly as `Double(String)` would read them, without making
/// a `String`. The common case — at most 15 significant digits and a small power of ten — is
/// exact by Clinger's fast path (both operands are exact doubles, so one rounding); anything
/// else falls back to `strtod`.
public enum NumberParser {
    private static let powersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = bytes.count
        guard n > 0, n < 64 else { return n == 0 ? nil : slowPath(bytes) }
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") { negative = true; i = 1 } else if bytes[0] == UInt8(ascii: "+") { i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var sawDigit = false
        while i < n, bytes[i] &- 48 < 10 {
            mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 48)
            if mantissa != 0 { digits += 1 }
            sawDigit = true
            i += 1
        }
        if i < n, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, bytes[i] &- 48 < 10 {
                mantissa = mantissa &* 10 &+ UInt64(bytes[i] &- 48)
                if mantissa != 0 { digits += 1 }
                fractionDigits += 1
                sawDigit = true
                i += 1
            }
        }
        guard sawDigit else { return nil }
        if i < n {
            // An exponent, or garbage: let strtod decide, after checking the rest is number-like.
            guard bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") else { return nil }
            return slowPath(bytes)
        }
        guard digits <= 15, fractionDigits <= 22 else { return slowPath(bytes) }
        var value = Double(mantissa)
        if fractionDigits > 0 { value /= powersOfTen[fractionDigits] }
        return negative ? -value : value
    }

    private static func slowPath(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var buffer = [CChar](repeating: 0, count: bytes.count + 1)
        for i in 0..<bytes.count { buffer[i] = CChar(bitPattern: bytes[i]) }
        return buffer.withUnsafeBufferPointer { p -> Double? in
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtod(p.baseAddress!, &endPointer)
            guard let endPointer, endPointer == UnsafeMutablePointer(mutating: p.baseAddress! + bytes.count) else { return nil }
            return value.isFinite ? value : nil
        }
    }

    /// An integer field (tx_power, channel).
    public static func parseInt(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count < 19 else { return nil }
        var i = 0
        var negative = false
        if bytes[0] == UInt8(ascii: "-") { negative = true; i = 1 }
        guard i < bytes.count else { return nil }
        var value = 0
        while i < bytes.count {
            let d = bytes[i] &- 48
            guard d < 10 else { return nil }
            value = value * 10 + Int(d)
            i += 1
        }
        return negative ? -value : value
    }
}
