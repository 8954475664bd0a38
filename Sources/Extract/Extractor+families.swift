/// The families with options of their own, as ``EntityFinder``s with the pipeline's choices:
/// no latent entities (a bare "7" or "five" is neither a time nor money in a chat).
extension TimeExtractor: EntityFinder {
    public func find(in text: ScalarText, context: ExtractionContext) -> [Entity] { extract(text, context: context) }
}

extension MoneyExtractor: EntityFinder {
    public func find(in text: ScalarText, context: ExtractionContext) -> [Entity] { extract(text, context: context) }
}

extension PercentageExtractor: EntityFinder {
    public func find(in text: ScalarText, context: ExtractionContext) -> [Entity] { extract(text, context: context) }
}

extension QuantityExtractor: EntityFinder {
    public func find(in text: ScalarText, context: ExtractionContext) -> [Entity] { extract(text, context: context) }
}
