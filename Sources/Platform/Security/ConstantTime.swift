import Crypto

/// Comparisons whose running time does not depend on where two secrets differ.
public enum ConstantTime {
    /// Whether `a` equals `b`, comparing SHA-256 digests byte by byte without an early exit, so neither the
    /// position of the first difference nor the secret's length leaks through timing.
    public static func equals(_ a: String, _ b: String) -> Bool {
        let left = Array(SHA256.hash(data: Array(a.utf8)))
        let right = Array(SHA256.hash(data: Array(b.utf8)))
        var difference: UInt8 = 0
        for index in 0..<left.count { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
