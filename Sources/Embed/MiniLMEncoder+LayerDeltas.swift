/// Tuned layers stored as their change from MiniLM's own weights: tuning moves each weight a
/// little, so 8 bits of the change keep the layer's answers at half the size of float16
/// weights.
extension MiniLMEncoder {
    /// Suffix of a weight matrix's change, in int8 codes with the matrix's shape.
    static let deltaCodesSuffix = ".delta"
    /// Suffix of the codes' step, float32, one per row: weight = own weight + code × step.
    static let deltaStepSuffix = ".delta_step"

    /// `layers`, as the top of the stack, against this encoder's own: each weight matrix as
    /// `NAME.delta` and `NAME.delta_step` (its change, rounded to the nearest of 255 steps
    /// spread over each row's largest change), the biases and LayerNorm parameters whole in
    /// float32, all in the model's own tensor names. ``replacingLayers(from:)`` reads it back
    /// over these same weights.
    public func layerDeltas(_ layers: [Layer]) -> [String: SafeTensors.Tensor] {
        var tensors: [String: SafeTensors.Tensor] = [:]
        for (offset, layer) in layers.enumerated() {
            let index = Self.layerCount - layers.count + offset
            for ((name, shape), path) in zip(Self.tensorNames(index), Layer.tensorPaths) {
                let tuned = layer[keyPath: path]
                guard shape.count == 2 else {
                    tensors[name] = SafeTensors.Tensor(shape: shape, values: tuned)
                    continue
                }
                let (codes, steps) = Self.quantizedChange(
                    from: self.layers[index][keyPath: path],
                    to: tuned,
                    rows: shape[0]
                )
                tensors[name + Self.deltaCodesSuffix] = SafeTensors.Tensor(shape: shape, values: codes, dtype: .int8)
                tensors[name + Self.deltaStepSuffix] = SafeTensors.Tensor(shape: [shape[0]], values: steps)
            }
        }
        return tensors
    }

    /// Per row, the change as whole codes from -127 to 127 and the step they count in.
    /// - Precondition: every weight is finite (a NaN would drop out of the row's largest change
    ///   and be stored as a plausible code; an infinity would make the whole row NaN on reading).
    static func quantizedChange(from base: [Float], to tuned: [Float], rows: Int) -> (codes: [Float], steps: [Float]) {
        precondition(
            base.allSatisfy(\.isFinite) && tuned.allSatisfy(\.isFinite),
            "a tuned layer holds NaN or infinity: tuning diverged"
        )
        let columns = base.count / rows
        var codes = [Float](repeating: 0, count: base.count)
        var steps = [Float](repeating: 0, count: rows)
        for row in 0..<rows {
            let range = (row * columns)..<((row + 1) * columns)
            let largest = range.reduce(Float(0)) { max($0, abs(tuned[$1] - base[$1])) }
            guard largest > 0 else { continue }
            let step = largest / 127
            steps[row] = step
            for index in range { codes[index] = min(127, max(-127, ((tuned[index] - base[index]) / step).rounded())) }
        }
        return (codes, steps)
    }

    /// Layer `index` read from `weights`: each tensor whole under its own name, or as its change
    /// from this encoder's (``layerDeltas(_:)``).
    func layer(_ index: Int, replacedFrom weights: SafeTensors) throws -> Layer {
        var layer = layers[index]
        for ((name, shape), path) in zip(Self.tensorNames(index), Layer.tensorPaths) {
            if weights.tensors[name] != nil || shape.count != 2 {
                layer[keyPath: path] = try weights.tensor(name, shape: shape)
                continue
            }
            let codes = try weights.tensor(name + Self.deltaCodesSuffix, shape: shape)
            let steps = try weights.tensor(name + Self.deltaStepSuffix, shape: [shape[0]])
            let columns = shape[1]
            var values = layer[keyPath: path]
            for entry in values.indices { values[entry] += codes[entry] * steps[entry / columns] }
            layer[keyPath: path] = values
        }
        return layer
    }

    /// Whether `weights` holds layer `index`, whole or as its change.
    static func holdsLayer(_ index: Int, _ weights: SafeTensors) -> Bool {
        let first = tensorNames(index)[0].name
        return weights.tensors[first] != nil || weights.tensors[first + deltaCodesSuffix] != nil
    }
}
