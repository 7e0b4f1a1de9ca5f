/// Compares a secret someone gave with one the gateway holds in time that depends on the held
/// one's length only, not on how many leading bytes the guess got right: a byte-by-byte `==`
/// stops at the first difference, which a client timing many requests can use to find a token
/// a byte at a time.
public enum SecretComparison {
    public static func equal(_ given: some StringProtocol, _ held: some StringProtocol) -> Bool {
        var difference: UInt8 = 0
        var guess = given.utf8.makeIterator()
        for byte in held.utf8 {
            // A guess shorter than the secret runs out: compared with a byte that always differs.
            difference |= byte ^ (guess.next() ?? ~byte)
        }
        // A guess longer than the secret differs too (its tail is not compared byte by byte).
        if guess.next() != nil { difference |= 1 }
        return difference == 0
    }

    /// Whether `given` is one of `held`, each compared as `equal` does and all of them compared.
    public static func isOne(of held: some Sequence<String>, _ given: some StringProtocol) -> Bool {
        var found = false
        for secret in held where equal(given, secret) { found = true }
        return found
    }
}
