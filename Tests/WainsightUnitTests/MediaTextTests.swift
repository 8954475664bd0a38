import Foundation
import MediaText
import Testing
import WainsightTesting

/// The media text reader on real files made by the tests: PDFs with a text layer, their pages
/// as PNG images, and scans, in English, Spanish and Portuguese, through the real poppler and
/// Tesseract (scripts/setup installs them).
@Suite struct MediaTextTests {
    static let english = ["Price list 2027", "CRM Pro: USD 300 per month", "Questions: sales@acme.example"]
    static let spanish = ["Cotización para Panadería Lupita", "25 licencias del CRM Pro", "Total: $12.500 MXN al año"]
    static let portuguese = ["Proposta comercial", "Orçamento: R$ 2.500,00 por mês", "Entrega até 15/03/2027"]

    /// Writes `data` to a scratch file and reads it.
    static func read(
        _ data: Data,
        as mimeType: String,
        with reader: MediaTextReader = MediaTextReader()
    ) async throws -> MediaText {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("media-text-\(UUID())")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await reader.read(file: file, mimeType: mimeType)
    }

    /// The words of `text`, lowercased (OCR may join or split lines differently).
    static func words(_ text: String) -> Set<String> {
        Set(text.lowercased().split { $0.isWhitespace }.map(String.init))
    }

    @Test func aPDFTextLayerIsReadExactlyInEachLanguage() async throws {
        let pdf = TestDocuments.pdf(pages: [Self.english, Self.spanish, Self.portuguese])
        let read = try await Self.read(pdf, as: "application/pdf")
        #expect(read.source == .pdfText)
        #expect(read.pages == 3)
        #expect(!read.truncated)
        #expect(
            read.text
                == [Self.english, Self.spanish, Self.portuguese].map { $0.joined(separator: "\n") }
                .joined(separator: "\n\n")
        )
    }

    @Test(arguments: [english, spanish, portuguese])
    func anImageIsReadWithOCR(lines: [String]) async throws {
        let png = try TestDocuments.png(TestDocuments.pdf(pages: [lines]))
        let read = try await Self.read(png, as: "image/png")
        #expect(read.source == .ocr)
        let expected = Self.words(lines.joined(separator: " "))
        let found = Self.words(read.text)
        // Clean rendered text: every word comes back, accents and currency included.
        #expect(expected.subtracting(found).isEmpty, "missing \(expected.subtracting(found)) in \(read.text)")
    }

    @Test func aScannedPDFIsReadWithOCRPageByPage() async throws {
        let scan = try TestDocuments.scannedPDF(TestDocuments.pdf(pages: [Self.spanish, Self.portuguese]))
        let read = try await Self.read(scan, as: "application/pdf")
        #expect(read.source == .ocr)
        #expect(read.pages == 2)
        let found = Self.words(read.text)
        for word in ["cotización", "licencias", "orçamento:", "2.500,00", "mês", "entrega"] {
            #expect(found.contains(word), "\(word) not in \(read.text)")
        }
        // Page order is kept.
        let spanishAt = try #require(read.text.range(of: "Cotización"))
        let portugueseAt = try #require(read.text.range(of: "Proposta"))
        #expect(spanishAt.lowerBound < portugueseAt.lowerBound)
    }

    @Test func plainTextIsReadAsItIs() async throws {
        let read = try await Self.read(
            Data("Pedido: 40 unidades\r\n\n\n\nGracias  \n".utf8),
            as: "text/plain; charset=utf-8"
        )
        #expect(read.source == .plainText)
        #expect(read.text == "Pedido: 40 unidades\n\nGracias")
    }

    @Test func unreadableFilesSayWhy() async throws {
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        for type in ["application/pdf", "image/png", "image/jpeg"] {
            do {
                _ = try await Self.read(garbage, as: type)
                Issue.record("\(type): garbage was read")
            } catch let error as MediaTextError {
                #expect(error.code == .unreadable, "\(type): \(error)")
                #expect(error.isLasting)
                #expect(error.message.contains("exited with"), "\(error.message)")
            }
        }
        do {
            _ = try await Self.read(garbage, as: "audio/ogg")
            Issue.record("audio was read")
        } catch let error as MediaTextError {
            #expect(error.code == .unsupportedType)
        }
        #expect(!MediaTextReader.reads(mimeType: "video/mp4"))
        #expect(MediaTextReader.reads(mimeType: "image/jpeg"))
    }

    @Test func pagesCharactersAndTimeAreBounded() async throws {
        let pdf = TestDocuments.pdf(pages: [Self.english, Self.spanish, Self.portuguese])
        let twoPages = try await Self.read(pdf, as: "application/pdf", with: MediaTextReader(maxPages: 2))
        #expect(twoPages.pages == 2)
        #expect(twoPages.truncated)
        #expect(!twoPages.text.contains("Proposta"))

        let short = try await Self.read(pdf, as: "application/pdf", with: MediaTextReader(maxCharacters: 40))
        #expect(short.truncated)
        #expect(short.text.count <= 40)

        let png = try TestDocuments.png(TestDocuments.pdf(pages: [Self.english]))
        do {
            _ = try await Self.read(png, as: "image/png", with: MediaTextReader(timeout: .milliseconds(1)))
            Issue.record("OCR finished within a millisecond")
        } catch let error as MediaTextError {
            #expect(error.code == .timedOut, "\(error)")
        }
    }

    @Test func aCancelledReadStopsItsTool() async throws {
        let scan = try TestDocuments.scannedPDF(
            TestDocuments.pdf(pages: [Self.english, Self.spanish, Self.portuguese, Self.english])
        )
        let clock = ContinuousClock()
        let started = clock.now
        let task = Task { try await Self.read(scan, as: "application/pdf") }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        // Four pages of OCR take seconds; a cancelled read ends at once.
        #expect(clock.now - started < .seconds(2))
    }
}
