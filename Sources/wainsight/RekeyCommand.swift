import ArgumentParser
import Core
import Foundation
import Store

struct Rekey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-seal stored access tokens and webhook bodies under the first key of WAINSIGHT_MASTER_KEY.",
        discussion: """
            After a rotation: put the new key first in WAINSIGHT_MASTER_KEY and keep the old one after it \
            (comma-separated), restart, then run this. It is resumable: values already under the first key are \
            skipped, so a stopped run can simply be run again. Once it reports nothing left, the old key can go.
            """
    )
    @OptionGroup var options: GlobalOptions
    @Option(help: "Values re-sealed per transaction.") var batch = 500

    func run() async throws {
        let box = try SecretBox(masterKeys: try options.configuration().masterKeys)
        let unopenable = try await options.withDatabase { client, _, logger in
            let sealed = SealedValueRepository(client: client, secretBox: box, logger: logger)
            var unopenable = 0
            for column in SealedValueRepository.Column.allCases {
                let total = try await sealed.pending(column)
                var progress = SealedValueRepository.Progress()
                repeat {
                    progress = try await sealed.reseal(column, limit: max(1, batch), from: progress)
                    drawProgress(column.rawValue, done: progress.resealed + progress.unopenable, of: total)
                } while progress.after != nil
                FileHandle.standardError.write(Data("\n".utf8))
                print("\(column.rawValue): re-sealed \(progress.resealed) under key \(box.currentKeyID)")
                unopenable += progress.unopenable
            }
            return unopenable
        }
        if unopenable > 0 {
            throw ValidationError(
                "\(unopenable) value(s) open under none of the configured keys and were left as they are; "
                    + "add the key they were sealed with to WAINSIGHT_MASTER_KEY and run rekey again"
            )
        }
    }
}

/// A progress bar on standard error, redrawn in place (`rekey`, `backfill`).
/// - Parameter suffix: what follows the counts (a rate, say).
func drawProgress(_ label: String, done: Int, of total: Int, suffix: String = "") {
    let fraction = total == 0 ? 1 : min(1, Double(done) / Double(total))
    let filled = Int((fraction * 30).rounded(.down))
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
    let line = "\r\(label): [\(bar)] \(done)/\(total) (\(Int(fraction * 100))%)\(suffix)"
    FileHandle.standardError.write(Data(line.utf8))
}
