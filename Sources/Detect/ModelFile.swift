import Foundation

/// The on-disk form of a classifier: a magic line, one JSON header line (sorted keys), then
/// each tensor quantized to 8 bits per value with a scale and an offset per column. Written
/// byte for byte the same from the same model, so a retrained model can be compared with the
/// committed one.
///
/// A tensor of `rows × columns` is stored column-wise-quantized but row-major: for each column
/// its minimum and step as little-endian Float32, then the `rows × columns` codes.
public struct ModelFile: Sendable, Equatable {
    public static let magic = "WAINSIGHT-MODEL 1\n"

    public struct Header: Codable, Sendable, Equatable {
        /// `naive_bayes`, `naive_bayes_word_classifier` or `linear`.
        public var kind: String
        public var labels: [String]
        public var buckets: Int
        /// Model parameters needed to run it (calibration, thresholds, weights of families).
        public var parameters: [String: Double]
        public var tensors: [TensorInfo]
        /// The sentence embedder whose vectors the model's dense input takes
        /// (`all-MiniLM-L6-v2`); absent for a model of hashed features only.
        public var embeddingModel: String?

        public init(
            kind: String,
            labels: [String],
            buckets: Int,
            parameters: [String: Double],
            tensors: [TensorInfo],
            embeddingModel: String? = nil
        ) {
            self.kind = kind
            self.labels = labels
            self.buckets = buckets
            self.parameters = parameters
            self.tensors = tensors
            self.embeddingModel = embeddingModel
        }

        enum CodingKeys: String, CodingKey {
            case kind, labels, buckets, parameters, tensors
            case embeddingModel = "embedding_model"
        }
    }

    public struct TensorInfo: Codable, Sendable, Equatable {
        public var name: String
        public var rows: Int
        public var columns: Int
    }

    public var header: Header
    /// Tensors by name, as stored (8-bit codes with a minimum and a step per column).
    public var tensors: [String: QuantizedTensor]

    public init(header: Header, tensors: [String: QuantizedTensor]) {
        self.header = header
        self.tensors = tensors
    }

    /// The file's bytes.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = Data(Self.magic.utf8)
        data.append(try encoder.encode(header))
        data.append(0x0A)
        for info in header.tensors {
            guard let tensor = tensors[info.name], tensor.rows == info.rows, tensor.columns == info.columns else {
                throw DetectError(.invalidModel, "tensor \(info.name) is not \(info.rows)×\(info.columns)")
            }
            for column in 0..<tensor.columns {
                withUnsafeBytes(of: tensor.low[column].bitPattern.littleEndian) { data.append(contentsOf: $0) }
                withUnsafeBytes(of: tensor.step[column].bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
            data.append(contentsOf: tensor.codes)
        }
        return data
    }

    public init(data: Data) throws {
        let bytes = [UInt8](data)
        let magic = Array(Self.magic.utf8)
        guard bytes.count > magic.count, Array(bytes[0..<magic.count]) == magic else {
            throw DetectError(
                .invalidModel,
                "not a wainsight model file (the first line is not '\(Self.magic.dropLast())')"
            )
        }
        guard let newline = bytes[magic.count...].firstIndex(of: 0x0A) else {
            throw DetectError(.invalidModel, "the model header is not terminated")
        }
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[magic.count..<newline]))
        } catch {
            throw DetectError(.invalidModel, "the model header is not valid JSON", underlying: error)
        }
        var offset = newline + 1
        tensors = [:]
        guard !header.labels.isEmpty else { throw DetectError(.invalidModel, "the model has no labels") }
        guard header.buckets > 0, header.buckets <= 1 << 26, header.buckets & (header.buckets - 1) == 0 else {
            throw DetectError(.invalidModel, "buckets must be a power of two up to 2^26, not \(header.buckets)")
        }
        for info in header.tensors {
            let (cells, overflow) = info.rows.multipliedReportingOverflow(by: info.columns)
            guard info.rows > 0, info.columns > 0, !overflow, cells <= bytes.count,
                offset + info.columns * 8 + cells <= bytes.count
            else { throw DetectError(.invalidModel, "the file ends inside tensor \(info.name)") }
            var low: [Float] = []
            var step: [Float] = []
            for column in 0..<info.columns {
                low.append(Self.float(bytes, at: offset + column * 8))
                step.append(Self.float(bytes, at: offset + column * 8 + 4))
            }
            offset += info.columns * 8
            let codes = Array(bytes[offset..<(offset + info.rows * info.columns)])
            offset += codes.count
            tensors[info.name] = QuantizedTensor(
                rows: info.rows,
                columns: info.columns,
                codes: codes,
                low: low,
                step: step
            )
        }
        guard offset == bytes.count else {
            throw DetectError(.invalidModel, "\(bytes.count - offset) bytes follow the last tensor")
        }
    }

    static func float(_ bytes: [UInt8], at offset: Int) -> Float {
        var bits: UInt32 = 0
        for index in 0..<4 { bits |= UInt32(bytes[offset + index]) << (8 * index) }
        return Float(bitPattern: bits)
    }

    /// The tensor, required to have this shape (`nil` accepts any count on that side).
    public func tensor(_ name: String, rows: Int?, columns: Int) throws -> QuantizedTensor {
        guard let tensor = tensors[name] else { throw DetectError(.invalidModel, "the model has no tensor \(name)") }
        guard tensor.columns == columns, rows.map({ tensor.rows == $0 }) ?? true else {
            throw DetectError(
                .invalidModel,
                "tensor \(name) is \(tensor.rows)×\(tensor.columns), expected \(rows.map(String.init) ?? "n")×\(columns)"
            )
        }
        return tensor
    }

    public func parameter(_ name: String) throws -> Double {
        guard let value = header.parameters[name] else {
            throw DetectError(.invalidModel, "the model has no parameter \(name)")
        }
        return value
    }
}

/// A row-major matrix in 8 bits per value: value = low[column] + code × step[column]. Models
/// compute on the codes directly (a quarter of the memory to walk), as saved.
public struct QuantizedTensor: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    public let codes: [UInt8]
    public let low: [Float]
    public let step: [Float]

    public init(rows: Int, columns: Int, codes: [UInt8], low: [Float], step: [Float]) {
        self.rows = rows
        self.columns = columns
        self.codes = codes
        self.low = low
        self.step = step
    }

    /// Quantizes `values` (row-major, `columns` wide), each column to 256 even steps between
    /// its minimum and maximum; a column that spans zero keeps zero exact.
    public init(values: [Float], columns: Int) {
        var low = [Float](repeating: 0, count: columns)
        var step = [Float](repeating: 1, count: columns)
        for column in 0..<columns {
            var minimum = Float.infinity
            var maximum = -Float.infinity
            var index = column
            while index < values.count {
                minimum = min(minimum, values[index])
                maximum = max(maximum, values[index])
                index += columns
            }
            if minimum > maximum { (minimum, maximum) = (0, 0) }
            if minimum < 0, maximum > 0 {
                // Zero stays exactly zero: weights of buckets no example touched must add
                // nothing, not a small per-class offset for every unseen feature.
                let width = (maximum - minimum) / 254
                step[column] = width
                low[column] = -(-minimum / width).rounded() * width
            } else {
                low[column] = minimum
                step[column] = maximum > minimum ? (maximum - minimum) / 255 : 1
            }
        }
        var codes = [UInt8](repeating: 0, count: values.count)
        for index in values.indices {
            let column = index % columns
            codes[index] = UInt8(max(0, min(255, ((values[index] - low[column]) / step[column]).rounded())))
        }
        self.init(rows: values.count / max(1, columns), columns: columns, codes: codes, low: low, step: step)
    }

    /// Every value, as Float.
    public var floats: [Float] {
        codes.indices.map { low[$0 % columns] + Float(codes[$0]) * step[$0 % columns] }
    }
}
