import Foundation

/// Where a contact most likely is, from their phone number's country calling code: the region
/// decides date order and what "$" means, the zone what "tomorrow at 3" is. Countries that span
/// several zones get their most populous one; an organization that knows better sets its own
/// time zone (`PUT /api/insights/settings`).
public struct ContactLocale: Sendable, Equatable {
    /// ISO 3166 alpha-2 region (`BR`).
    public var region: String
    /// IANA time zone (`America/Sao_Paulo`).
    public var timeZone: String

    public init(region: String, timeZone: String) {
        self.region = region
        self.timeZone = timeZone
    }

    /// The locale of an international phone number (digits, `+` and separators allowed);
    /// `nil` when no calling code matches.
    public static func of(phone: String) -> ContactLocale? {
        let digits = String(phone.unicodeScalars.filter { $0.value >= 0x30 && $0.value <= 0x39 }.map(Character.init))
        guard digits.count >= 8 else { return nil }
        // Calling codes are prefix-free, so the first of the 3-, 2- and 1-digit prefixes wins.
        for length in [3, 2, 1] where digits.count > length {
            if let found = byCallingCode[String(digits.prefix(length))] {
                return ContactLocale(region: found.0, timeZone: found.1)
            }
        }
        return nil
    }

    /// The time zone and region extraction resolves against: the organization's zone when it
    /// set one (and it exists), else the phone number's country, else UTC.
    public static func resolve(organizationTimeZone: String?, phone: String?) -> (TimeZone, String?) {
        let locale = phone.flatMap(of(phone:))
        if let name = organizationTimeZone, let zone = TimeZone(identifier: name) { return (zone, locale?.region) }
        if let locale, let zone = TimeZone(identifier: locale.timeZone) { return (zone, locale.region) }
        return (TimeZone(identifier: "UTC")!, locale?.region)
    }

    /// Calling code → (region, most populous zone), for the countries WhatsApp Business is
    /// most used in and their neighbours.
    static let byCallingCode: [String: (String, String)] = [
        "1": ("US", "America/New_York"), "7": ("RU", "Europe/Moscow"), "20": ("EG", "Africa/Cairo"),
        "27": ("ZA", "Africa/Johannesburg"), "30": ("GR", "Europe/Athens"), "31": ("NL", "Europe/Amsterdam"),
        "32": ("BE", "Europe/Brussels"), "33": ("FR", "Europe/Paris"), "34": ("ES", "Europe/Madrid"),
        "36": ("HU", "Europe/Budapest"), "39": ("IT", "Europe/Rome"), "40": ("RO", "Europe/Bucharest"),
        "41": ("CH", "Europe/Zurich"), "43": ("AT", "Europe/Vienna"), "44": ("GB", "Europe/London"),
        "45": ("DK", "Europe/Copenhagen"), "46": ("SE", "Europe/Stockholm"), "47": ("NO", "Europe/Oslo"),
        "48": ("PL", "Europe/Warsaw"), "49": ("DE", "Europe/Berlin"), "51": ("PE", "America/Lima"),
        "52": ("MX", "America/Mexico_City"), "53": ("CU", "America/Havana"),
        "54": ("AR", "America/Argentina/Buenos_Aires"), "55": ("BR", "America/Sao_Paulo"),
        "56": ("CL", "America/Santiago"), "57": ("CO", "America/Bogota"), "58": ("VE", "America/Caracas"),
        "60": ("MY", "Asia/Kuala_Lumpur"), "61": ("AU", "Australia/Sydney"), "62": ("ID", "Asia/Jakarta"),
        "63": ("PH", "Asia/Manila"), "64": ("NZ", "Pacific/Auckland"), "65": ("SG", "Asia/Singapore"),
        "66": ("TH", "Asia/Bangkok"), "81": ("JP", "Asia/Tokyo"), "82": ("KR", "Asia/Seoul"),
        "84": ("VN", "Asia/Ho_Chi_Minh"), "86": ("CN", "Asia/Shanghai"), "90": ("TR", "Europe/Istanbul"),
        "91": ("IN", "Asia/Kolkata"), "92": ("PK", "Asia/Karachi"), "94": ("LK", "Asia/Colombo"),
        "212": ("MA", "Africa/Casablanca"), "234": ("NG", "Africa/Lagos"), "244": ("AO", "Africa/Luanda"),
        "254": ("KE", "Africa/Nairobi"), "258": ("MZ", "Africa/Maputo"), "351": ("PT", "Europe/Lisbon"),
        "353": ("IE", "Europe/Dublin"), "502": ("GT", "America/Guatemala"), "503": ("SV", "America/El_Salvador"),
        "504": ("HN", "America/Tegucigalpa"), "505": ("NI", "America/Managua"), "506": ("CR", "America/Costa_Rica"),
        "507": ("PA", "America/Panama"), "591": ("BO", "America/La_Paz"), "593": ("EC", "America/Guayaquil"),
        "595": ("PY", "America/Asuncion"), "598": ("UY", "America/Montevideo"), "966": ("SA", "Asia/Riyadh"),
        "971": ("AE", "Asia/Dubai"), "972": ("IL", "Asia/Jerusalem"),
    ]
}
