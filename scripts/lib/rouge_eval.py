"""ROUGE-1/2/L F1 (Porter stemming) of each system's summaries against the references, with the
rouge-score package, as DialogSum's results are reported. Reads the JSON lines
`wainsight eval summary` writes ({"reference", "systems": {name: summary}}); prints one JSON
object: {name: {"rouge1", "rouge2", "rougeL"}} as percentages, averaged over the rows."""
import json
import sys

from rouge_score import rouge_scorer


def main(path):
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    totals, count = {}, 0
    with open(path, encoding="utf-8") as rows:
        for line in rows:
            row = json.loads(line)
            count += 1
            for name, summary in row["systems"].items():
                scores = scorer.score(row["reference"], summary)
                total = totals.setdefault(name, {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0})
                for key in total:
                    total[key] += scores[key].fmeasure
    print(json.dumps({name: {key: round(100 * value / count, 2) for key, value in total.items()}
                      for name, total in totals.items()}))


if __name__ == "__main__":
    main(sys.argv[1])
