import Core

extension TemplateUpdate {
    /// The webhook fields that carry template changes.
    public static let webhookFields: Set<String> = [
        "message_template_status_update", "message_template_quality_update", "template_category_update",
    ]

    /// Reads a template webhook change (`field` and its `value`, as Meta sends them).
    /// - Returns: `nil` when `field` is not a template field.
    public init?(field: String, value: JSONValue) {
        guard Self.webhookFields.contains(field) else { return nil }
        self.init(
            templateID: value["message_template_id"]?.nonEmptyString,
            name: value["message_template_name"]?.nonEmptyString ?? value["name"]?.nonEmptyString,
            language: value["message_template_language"]?.nonEmptyString ?? value["language"]?.nonEmptyString
        )
        switch field {
        case "message_template_status_update":
            status = value["event"]?.nonEmptyString?.uppercased()
            reason = value["reason"]?.nonEmptyString
        case "message_template_quality_update": qualityScore = value["new_quality_score"]?.nonEmptyString?.uppercased()
        default: category = value["new_category"]?.nonEmptyString?.uppercased()
        }
    }
}
