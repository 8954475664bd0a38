import Core
import Foundation

/// Reads Float32 tensors from a `.safetensors` file: an 8-byte little-endian header length, a
/// JSON header (`name: {dtype, shape, data_offsets}`), then the raw little-endian data.
public struct SafeTensors: Sendable {
    public struct Tensor: Sendable {
        public var shape: [Int]
        public var values: [Float]
    }

    public let tensors: [String: Tensor]

    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw EmbedError(.modelMissing, "cannot read \(url.path); run scripts/setup", underlying: error)
        }
        guard data.count >= 8 else { throw EmbedError(.invalidModel, "\(url.path) is too short") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) {
            $0 | UInt64($1.element) << (8 * UInt64($1.offset))
        }
        guard headerLength < UInt64(data.count - 8) else { throw EmbedError(.invalidModel, "bad safetensors header") }
        let header = try JSONValue.parse(data.subdata(in: 8..<(8 + Int(headerLength))))
        let base = 8 + Int(headerLength)
        var tensors: [String: Tensor] = [:]
        for (name, entry) in header.objectValue ?? [:] where name != "__metadata__" {
            guard entry["dtype"]?.stringValue == "F32" else { continue }
            guard let shape = entry["shape"]?.arrayValue?.compactMap(\.intValue),
                let start = entry["data_offsets"]?[0]?.intValue, let end = entry["data_offsets"]?[1]?.intValue,
                end >= start, base + end <= data.count, (end - start) == shape.reduce(1, *) * 4
            else {
                throw EmbedError(.invalidModel, "tensor \(name) has a malformed header entry")
            }
            var values = [Float](repeating: 0, count: (end - start) / 4)
            values.withUnsafeMutableBytes { target in
                data.copyBytes(to: target.bindMemory(to: UInt8.self), from: (base + start)..<(base + end))
            }
            // The format is little-endian, as is every machine this runs on.
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
}
