import Core
import Foundation

/// Float32, Float16 and Int8 tensors in a `.safetensors` file: an 8-byte little-endian header
/// length, a JSON header (`name: {dtype, shape, data_offsets}`), then the raw little-endian data.
/// Every value is read as a `Float`; tensors of other types are skipped.
public struct SafeTensors: Sendable {
    /// How a tensor's values are stored.
    public enum DType: String, Sendable {
        case float32 = "F32"
        case float16 = "F16"
        /// Whole numbers from -128 to 127 (codes of a quantized tensor).
        case int8 = "I8"

        var width: Int {
            switch self {
            case .float32: 4
            case .float16: 2
            case .int8: 1
            }
        }
    }

    public struct Tensor: Sendable {
        public var shape: [Int]
        public var values: [Float]
        public var dtype: DType

        public init(shape: [Int], values: [Float], dtype: DType = .float32) {
            self.shape = shape
            self.values = values
            self.dtype = dtype
        }
    }

    public let tensors: [String: Tensor]

    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw EmbedError(.modelMissing, "cannot read \(url.path); run scripts/setup", underlying: error)
        }
        try self.init(data: data, path: url.path)
    }

    public init(data: Data, path: String = "the safetensors data") throws {
        guard data.count >= 8 else { throw EmbedError(.invalidModel, "\(path) is too short") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) {
            $0 | UInt64($1.element) << (8 * UInt64($1.offset))
        }
        guard headerLength < UInt64(data.count - 8) else { throw EmbedError(.invalidModel, "bad safetensors header") }
        let header = try JSONValue.parse(data.subdata(in: 8..<(8 + Int(headerLength))))
        let base = 8 + Int(headerLength)
        var tensors: [String: Tensor] = [:]
        for (name, entry) in header.objectValue ?? [:] where name != "__metadata__" {
            guard let dtype = entry["dtype"]?.stringValue.flatMap(DType.init(rawValue:)) else { continue }
            let width = dtype.width
            guard let dimensions = entry["shape"]?.arrayValue,
                case let shape = dimensions.compactMap(\.exactIntValue), shape.count == dimensions.count,
                let start = entry["data_offsets"]?[0]?.exactIntValue,
                let end = entry["data_offsets"]?[1]?.exactIntValue,
                start >= 0, end >= start, end <= data.count - base,
                Self.byteCount(shape, width: width) == end - start
            else {
                throw EmbedError(.invalidModel, "tensor \(name) has a malformed header entry")
            }
            // The format is little-endian, as is every machine this runs on.
            let bytes = (base + start)..<(base + end)
            let count = (end - start) / width
            let values: [Float]
            switch dtype {
            case .float32: values = Self.read(Float.self, count, from: data, bytes)
            case .float16: values = Self.read(Float16.self, count, from: data, bytes).map(Float.init)
            case .int8: values = Self.read(Int8.self, count, from: data, bytes).map(Float.init)
            }
            tensors[name] = Tensor(shape: shape, values: values, dtype: dtype)
        }
        self.tensors = tensors
    }

    /// Bytes of a tensor of this shape; `nil` for a negative dimension or a count that overflows.
    static func byteCount(_ shape: [Int], width: Int) -> Int? {
        var count = width
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// A tensor that must exist with this shape.
    public func tensor(_ name: String, shape: [Int]) throws -> [Float] {
        guard let tensor = tensors[name] else { throw EmbedError(.invalidModel, "the model has no tensor \(name)") }
        guard tensor.shape == shape else {
            throw EmbedError(.invalidModel, "tensor \(name) has shape \(tensor.shape), expected \(shape)")
        }
        return tensor.values
    }

    private static func read<Value: Numeric>(_: Value.Type, _ count: Int, from data: Data, _ bytes: Range<Int>)
        -> [Value]
    {
        var values = [Value](repeating: 0, count: count)
        values.withUnsafeMutableBytes { target in
            data.copyBytes(to: target.bindMemory(to: UInt8.self), from: bytes)
        }
        return values
    }

    /// A `.safetensors` file of `tensors`, each in its own ``Tensor/dtype``, named in sorted order:
    /// the same bytes for the same tensors.
    /// - Precondition: an `int8` tensor holds whole numbers from -128 to 127.
    public static func encoded(_ tensors: [String: Tensor]) -> Data {
        var entries: [String] = []
        var body = Data()
        for name in tensors.keys.sorted() {
            let tensor = tensors[name]!
            let start = body.count
            switch tensor.dtype {
            case .float32: tensor.values.withUnsafeBytes { body.append(contentsOf: $0) }
            case .float16: tensor.values.map { Float16($0) }.withUnsafeBytes { body.append(contentsOf: $0) }
            case .int8:
                precondition(tensor.values.allSatisfy { $0 == $0.rounded() && $0 >= -128 && $0 <= 127 })
                tensor.values.map { Int8($0) }.withUnsafeBytes { body.append(contentsOf: $0) }
            }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append(
                "\"\(name)\":{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],"
                    + "\"data_offsets\":[\(start),\(body.count)]}"
            )
        }
        var header = Data(("{" + entries.joined(separator: ",") + "}").utf8)
        // Padded with spaces to a multiple of 8 bytes, as the format recommends.
        while header.count % 8 != 0 { header.append(0x20) }
        var data = Data()
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(header)
        data.append(body)
        return data
    }
}
