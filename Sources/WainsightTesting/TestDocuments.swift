import Foundation

/// Real documents for the media-text tests, made here: PDFs with a text layer (written byte by
/// byte, Helvetica in WinAnsi encoding, so accented Spanish and Portuguese survive), the same
/// pages as images (rendered by poppler's `pdftoppm`, as a phone screenshot would be), and scans
/// (those images in a PDF with no text layer).
public enum TestDocuments {
    /// A PDF whose pages hold `pages`' lines, top down, in 14-point Helvetica.
    public static func pdf(pages: [[String]]) -> Data {
        var objects: [Data] = []
        let pageIDs = pages.indices.map { 4 + 2 * $0 }
        objects.append(Data("<< /Type /Catalog /Pages 2 0 R >>".utf8))
        objects.append(
            Data(
                "<< /Type /Pages /Kids [\(pageIDs.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages.count) >>"
                    .utf8
            )
        )
        objects.append(Data("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".utf8))
        for (index, lines) in pages.enumerated() {
            var content = Data("BT /F1 14 Tf 20 TL 56 760 Td ".utf8)
            for line in lines { content += Data("(".utf8) + winAnsi(line) + Data(") '\n".utf8) }
            content += Data("ET".utf8)
            objects.append(
                Data(
                    """
                    << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> \
                    /Contents \(pageIDs[index] + 1) 0 R >>
                    """.utf8
                )
            )
            objects.append(stream(content, dictionary: ""))
        }
        return document(objects)
    }

    /// The pages of `pdf` as gray images in a PDF with no text layer: what a scanner makes.
    public static func scannedPDF(_ pdf: Data, dotsPerInch: Int = 150) throws -> Data {
        let images = try render(pdf, format: "-gray", dotsPerInch: dotsPerInch, extension: "pgm")
        var objects: [Data] = [Data("<< /Type /Catalog /Pages 2 0 R >>".utf8)]
        let pageIDs = images.indices.map { 3 + 3 * $0 }
        objects.append(
            Data(
                "<< /Type /Pages /Kids [\(pageIDs.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(images.count) >>"
                    .utf8
            )
        )
        for (index, pgm) in images.enumerated() {
            let (width, height, pixels) = try grayPixels(pgm)
            let page = pageIDs[index]
            objects.append(
                Data(
                    """
                    << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 \(page + 2) 0 R >> >> \
                    /Contents \(page + 1) 0 R >>
                    """.utf8
                )
            )
            objects.append(stream(Data("q 612 0 0 792 0 0 cm /Im1 Do Q".utf8), dictionary: ""))
            objects.append(
                stream(
                    pixels,
                    dictionary: "/Type /XObject /Subtype /Image /Width \(width) /Height \(height) "
                        + "/ColorSpace /DeviceGray /BitsPerComponent 8 "
                )
            )
        }
        return document(objects)
    }

    /// The first page of `pdf` as a PNG.
    public static func png(_ pdf: Data, dotsPerInch: Int = 150) throws -> Data {
        try render(pdf, format: "-png", dotsPerInch: dotsPerInch, extension: "png", firstPageOnly: true)[0]
    }

    // MARK: Bytes

    /// Windows-1252 bytes of `text`, with PDF string escapes.
    static func winAnsi(_ text: String) -> Data {
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x28, 0x29, 0x5C: bytes += [0x5C, UInt8(scalar.value)]  // ( ) \
            case 0x20..<0x7F, 0xA0...0xFF: bytes.append(UInt8(scalar.value))
            case 0x20AC: bytes.append(0x80)  // €
            default: bytes.append(0x3F)  // ?
            }
        }
        return Data(bytes)
    }

    static func stream(_ content: Data, dictionary: String) -> Data {
        Data("<< \(dictionary)/Length \(content.count) >>\nstream\n".utf8) + content + Data("\nendstream".utf8)
    }

    /// Objects 1... with their cross-reference table.
    static func document(_ objects: [Data]) -> Data {
        var output = Data("%PDF-1.4\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(output.count)
            output += Data("\(index + 1) 0 obj\n".utf8) + object + Data("\nendobj\n".utf8)
        }
        let table = output.count
        output += Data("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n".utf8)
        for offset in offsets { output += Data(String(format: "%010d 00000 n \n", offset).utf8) }
        output += Data("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(table)\n%%EOF\n".utf8)
        return output
    }

    /// Width, height and pixels of a binary PGM (`P5`, 8-bit) as pdftoppm writes it.
    static func grayPixels(_ pgm: Data) throws -> (Int, Int, Data) {
        var fields: [Int] = []
        var index = pgm.startIndex + 2
        while fields.count < 3 {
            while index < pgm.endIndex, pgm[index] == 0x0A || pgm[index] == 0x20 { index += 1 }
            var number = 0
            while index < pgm.endIndex, (0x30...0x39).contains(pgm[index]) {
                number = number * 10 + Int(pgm[index] - 0x30)
                index += 1
            }
            fields.append(number)
        }
        guard pgm.prefix(2) == Data("P5".utf8), fields[2] == 255 else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let pixels = pgm[(index + 1)...]
        guard pixels.count == fields[0] * fields[1] else { throw CocoaError(.fileReadCorruptFile) }
        return (fields[0], fields[1], Data(pixels))
    }

    /// The pages of `pdf` rendered by pdftoppm, in page order.
    static func render(
        _ pdf: Data,
        format: String,
        dotsPerInch: Int,
        extension: String,
        firstPageOnly: Bool = false
    ) throws -> [Data] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("wainsight-docs-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("in.pdf")
        try pdf.write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftoppm")
        process.arguments =
            [format, "-r", "\(dotsPerInch)"] + (firstPageOnly ? ["-f", "1", "-l", "1"] : [])
            + [input.path, folder.appendingPathComponent("page").path]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileReadUnknown) }
        let pages = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix("page") && $0.hasSuffix(".\(`extension`)") }
            .sorted { $0.count != $1.count ? $0.count < $1.count : $0 < $1 }
        return try pages.map { try Data(contentsOf: folder.appendingPathComponent($0)) }
    }
}
