/// A hashed table's 8-bit codes with each row padded to 8 bytes, or a multiple of 16, so that
/// summing the rows a text touches costs one vector load and add per row (and 16 columns) rather
/// than a read-modify-write per byte: the inner loop of every classifier here.
struct PaddedCodes: Sendable {
    let columns: Int
    let stride: Int
    let mask: UInt32
    private let bytes: [UInt8]

    /// - Parameter tensor: `rows × columns` codes, `rows` a power of two (hash buckets).
    init(_ tensor: QuantizedTensor) {
        precondition(tensor.rows > 0 && tensor.rows & (tensor.rows - 1) == 0, "hash buckets are a power of two")
        columns = tensor.columns
        stride = tensor.columns <= 8 ? 8 : (tensor.columns + 15) / 16 * 16
        mask = UInt32(tensor.rows - 1)
        var bytes = [UInt8](repeating: 0, count: tensor.rows * stride)
        for row in 0..<tensor.rows {
            for column in 0..<columns { bytes[row * stride + column] = tensor.codes[row * columns + column] }
        }
        self.bytes = bytes
    }

    /// Adds to `sums[c]` column `c` of the row each hash picks (`(hash ^ salt) & mask`).
    func add(rowsOf hashes: [UInt32], salt: UInt32 = 0, to sums: inout [UInt32]) {
        precondition(sums.count == columns)
        bytes.withUnsafeBytes { table in
            if stride == 8 {
                let total = Self.sum8(table, hashes, salt: salt, mask: mask)
                for column in 0..<columns { sums[column] &+= total[column] }
                return
            }
            for chunk in Swift.stride(from: 0, to: stride, by: 16) {
                let total = Self.sum16(table, hashes, salt: salt, mask: mask, stride: stride, offset: chunk)
                for column in chunk..<min(columns, chunk + 16) { sums[column] &+= total[column - chunk] }
            }
        }
    }

    // 16-bit lanes hold 257 sums of bytes; they are widened into the 32-bit total every 256 rows.
    // Two copies, 8 and 16 lanes: the widening conversions are vector instructions only on the
    // concrete SIMD types (the standard library has no generic one).

    private static func sum8(_ table: UnsafeRawBufferPointer, _ hashes: [UInt32], salt: UInt32, mask: UInt32)
        -> SIMD8<UInt32>
    {
        var total = SIMD8<UInt32>()
        var partial = SIMD8<UInt16>()
        var pending = 0
        for hash in hashes {
            let row = table.loadUnaligned(fromByteOffset: Int((hash ^ salt) & mask) &* 8, as: SIMD8<UInt8>.self)
            partial &+= SIMD8<UInt16>(truncatingIfNeeded: row)
            pending &+= 1
            if pending == 256 {
                total &+= SIMD8<UInt32>(truncatingIfNeeded: partial)
                partial = .zero
                pending = 0
            }
        }
        return total &+ SIMD8<UInt32>(truncatingIfNeeded: partial)
    }

    private static func sum16(
        _ table: UnsafeRawBufferPointer,
        _ hashes: [UInt32],
        salt: UInt32,
        mask: UInt32,
        stride: Int,
        offset: Int
    ) -> SIMD16<UInt32> {
        var total = SIMD16<UInt32>()
        var partial = SIMD16<UInt16>()
        var pending = 0
        for hash in hashes {
            let at = Int((hash ^ salt) & mask) &* stride &+ offset
            let row = table.loadUnaligned(fromByteOffset: at, as: SIMD16<UInt8>.self)
            partial &+= SIMD16<UInt16>(truncatingIfNeeded: row)
            pending &+= 1
            if pending == 256 {
                total &+= SIMD16<UInt32>(truncatingIfNeeded: partial)
                partial = .zero
                pending = 0
            }
        }
        return total &+ SIMD16<UInt32>(truncatingIfNeeded: partial)
    }
}
