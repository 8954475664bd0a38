/// A fixed map from 32-bit word hashes to values by open addressing over the hashes themselves
/// (FNV-1a, already mixed): a lookup is a mask and a probe or two, where a `Dictionary` would
/// hash the key again. It runs once per word of every message.
struct WordTable<Value: Sendable>: Sendable {
    private let mask: Int
    private let keys: [UInt32]
    private let used: [Bool]
    private let values: [Value]

    /// - Parameter empty: what unused slots hold (never returned).
    init(_ entries: [UInt32: Value], empty: Value) {
        // At most half full, so every probe sequence reaches an unused slot.
        var size = 16
        while size < entries.count * 2 { size *= 2 }
        mask = size - 1
        var keys = [UInt32](repeating: 0, count: size)
        var used = [Bool](repeating: false, count: size)
        var values = [Value](repeating: empty, count: size)
        // In key order, so the layout does not depend on the dictionary's iteration order.
        for key in entries.keys.sorted() {
            var slot = Int(key) & mask
            while used[slot] { slot = (slot + 1) & mask }
            keys[slot] = key
            used[slot] = true
            values[slot] = entries[key]!
        }
        self.keys = keys
        self.used = used
        self.values = values
    }

    subscript(_ key: UInt32) -> Value? {
        var slot = Int(key) & mask
        while used[slot] {
            if keys[slot] == key { return values[slot] }
            slot = (slot + 1) & mask
        }
        return nil
    }
}
