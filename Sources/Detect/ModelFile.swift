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
        /// `naive_bayes` or `linear`.
        public var kind: String
        public var labels: [String]
        public var buckets: Int
        /// Model parameters needed to run it (calibration, thresholds, weights of families).
        public var parameters: [String: Double]
        public var tensors: [TensorInfo]

        public init(kind: String, labels: [String], buckets: Int, parameters: [String: Double], tensors: [TensorInfo]) {
            self.kind = kind
            self.labels = labels
            self.buckets = buckets
            self.parameters = parameters
            self.tensors = tensors
        }
    }

    public struct TensorInfo: Codable, Sendable, Equatable {
        public var name: String
        public var rows: Int
        public var columns: Int
    }

    public var header: Header
    /// Tensors by name, row-major Float32 (as loaded: already through quantization).
    public var tensors: [String: [Float]]

    public init(header: Header, tensors: [String: [Float]]) {
        self.header = header
        self.tensors = tensors
    }

    /// Quantizes `values` (row-major, `columns` wide) and back: what a save and a load give.
    public static func roundTrip(_ values: [Float], columns: Int) -> [Float] {
        let (ranges, codes) = quantize(values, columns: columns)
        return dequantize(codes, ranges: ranges, columns: columns)
    }

    static func quantize(_ values: [Float], columns: Int) -> (ranges: [(Float, Float)], codes: [UInt8]) {
        var ranges: [(Float, Float)] = []
        for column in 0..<columns {
            var low = Float.infinity
            var high = -Float.infinity
            var index = column
            while index < values.count {
                low = min(low, values[index])
                high = max(high, values[index])
                index += columns
            }
            if low > high { (low, high) = (0, 0) }
            let step = high > low ? (high - low) / 255 : 1
            ranges.append((low, step))
        }
        var codes = [UInt8](repeating: 0, count: values.count)
        for index in values.indices {
            let (low, step) = ranges[index % columns]
            codes[index] = UInt8(max(0, min(255, ((values[index] - low) / step).rounded())))
        }
        return (ranges, codes)
    }

    static func dequantize(_ codes: [UInt8], ranges: [(Float, Float)], columns: Int) -> [Float] {
        var values = [Float](repeating: 0, count: codes.count)
        for index in codes.indices {
            let (low, step) = ranges[index % columns]
            values[index] = low + Float(codes[index]) * step
        }
        return values
    }

    /// The file's bytes.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var data = Data(Self.magic.utf8)
        data.append(try encoder.encode(header))
        data.append(0x0A)
        for info in header.tensors {
            guard let values = tensors[info.name], values.count == info.rows * info.columns else {
                throw DetectError(
                    .invalidModel,
                    "tensor \(info.name) does not have \(info.rows)×\(info.columns) values"
                )
            }
            let (ranges, codes) = Self.quantize(values, columns: info.columns)
            for (low, step) in ranges {
                withUnsafeBytes(of: low.bitPattern.littleEndian) { data.append(contentsOf: $0) }
                withUnsafeBytes(of: step.bitPattern.littleEndian) { data.append(contentsOf: $0) }
            }
            data.append(contentsOf: codes)
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
        for info in header.tensors {
            let needed = info.columns * 8 + info.rows * info.columns
            guard offset + needed <= bytes.count else {
                throw DetectError(.invalidModel, "the file ends inside tensor \(info.name)")
            }
            var ranges: [(Float, Float)] = []
            for column in 0..<info.columns {
                let base = offset + column * 8
                ranges.append((Self.float(bytes, at: base), Self.float(bytes, at: base + 4)))
            }
            offset += info.columns * 8
            let codes = Array(bytes[offset..<(offset + info.rows * info.columns)])
            offset += codes.count
            tensors[info.name] = Self.dequantize(codes, ranges: ranges, columns: info.columns)
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

    public func tensor(_ name: String) throws -> [Float] {
        guard let values = tensors[name] else { throw DetectError(.invalidModel, "the model has no tensor \(name)") }
        return values
    }

    public func parameter(_ name: String) throws -> Double {
        guard let value = header.parameters[name] else {
            throw DetectError(.invalidModel, "the model has no parameter \(name)")
        }
        return value
    }
}
