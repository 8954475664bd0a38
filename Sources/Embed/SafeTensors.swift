import Core
import Foundation

/// Float32 and Float16 tensors in a `.safetensors` file: an 8-byte little-endian header length,
/// a JSON header (`name: {dtype, shape, data_offsets}`), then the raw little-endian data.
/// Float16 values are read as Float32.
public struct SafeTensors: Sendable {
    public struct Tensor: Sendable {
        public var shape: [Int]
        public var values: [Float]

        public init(shape: [Int], values: [Float]) {
            self.shape = shape
            self.values = values
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
            let width: Int
            switch entry["dtype"]?.stringValue {
            case "F32": width = 4
            case "F16": width = 2
            default: continue
            }
            guard let shape = entry["shape"]?.arrayValue?.compactMap(\.intValue),
                let start = entry["data_offsets"]?[0]?.intValue, let end = entry["data_offsets"]?[1]?.intValue,
                end >= start, base + end <= data.count, (end - start) == shape.reduce(1, *) * width
            else {
                throw EmbedError(.invalidModel, "tensor \(name) has a malformed header entry")
            }
            // The format is little-endian, as is every machine this runs on.
            let bytes = (base + start)..<(base + end)
            var values = [Float](repeating: 0, count: (end - start) / width)
            if width == 4 {
                values.withUnsafeMutableBytes { target in
                    data.copyBytes(to: target.bindMemory(to: UInt8.self), from: bytes)
                }
            } else {
                var halves = [Float16](repeating: 0, count: values.count)
                halves.withUnsafeMutableBytes { target in
                    data.copyBytes(to: target.bindMemory(to: UInt8.self), from: bytes)
                }
                for index in values.indices { values[index] = Float(halves[index]) }
            }
            tensors[name] = Tensor(shape: shape, values: values)
        }
        self.tensors = tensors
    }

    /// A tensor that must exist with this shape.
    public func tensor(_ name: String, shape: [Int]) throws -> [Float] {
        guard let tensor = tensors[name] else { throw EmbedError(.invalidModel, "the model has no tensor \(name)") }
        guard tensor.shape == shape else {
            throw EmbedError(.invalidModel, "tensor \(name) has shape \(tensor.shape), expected \(shape)")
        }
        return tensor.values
    }

    /// A `.safetensors` file of Float16 tensors, named in sorted order, the same bytes for the
    /// same values (what a tuned layer is stored as: half the size, and float16 keeps a layer's
    /// answers).
    public static func float16(_ tensors: [String: Tensor]) -> Data {
        var offset = 0
        var entries: [String] = []
        var body = Data()
        for name in tensors.keys.sorted() {
            let tensor = tensors[name]!
            let halves = tensor.values.map { Float16($0) }
            halves.withUnsafeBytes { body.append(contentsOf: $0) }
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append(
                "\"\(name)\":{\"dtype\":\"F16\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + halves.count * 2)]}"
            )
            offset += halves.count * 2
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
