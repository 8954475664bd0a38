import CBLAS

/// A dense row-major Float32 matrix, the shape every BLAS-backed stage works in.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// Elements in row-major order (`rows * columns`).
    public var values: [Float]

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "Matrix needs rows * columns values")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public init(rows: Int, columns: Int, repeating value: Float = 0) {
        self.init(rows: rows, columns: columns, values: Array(repeating: value, count: rows * columns))
    }

    public subscript(row: Int, column: Int) -> Float {
        get { values[row * columns + column] }
        set { values[row * columns + column] = newValue }
    }

    /// `self × other`, or `self × otherᵀ` when `transposingOther` (one `cblas_sgemm` call).
    public func multiplied(by other: Matrix, transposingOther: Bool = false) -> Matrix {
        let innerOther = transposingOther ? other.columns : other.rows
        precondition(columns == innerOther, "inner dimensions differ: \(columns) vs \(innerOther)")
        let outColumns = transposingOther ? other.rows : other.columns
        var result = Matrix(rows: rows, columns: outColumns)
        guard rows > 0, outColumns > 0, columns > 0 else { return result }
        values.withUnsafeBufferPointer { a in
            other.values.withUnsafeBufferPointer { b in
                result.values.withUnsafeMutableBufferPointer { c in
                    cblas_sgemm(
                        CblasRowMajor,
                        CblasNoTrans,
                        transposingOther ? CblasTrans : CblasNoTrans,
                        Int32(rows),
                        Int32(outColumns),
                        Int32(columns),
                        1,
                        a.baseAddress,
                        Int32(columns),
                        b.baseAddress,
                        Int32(other.columns),
                        0,
                        c.baseAddress,
                        Int32(outColumns)
                    )
                }
            }
        }
        return result
    }
}
