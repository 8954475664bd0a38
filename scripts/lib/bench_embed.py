"""The Python reference for scripts/bench-embed: sentence-transformers all-MiniLM-L6-v2 on CPU
(torch), same weights, same texts, same batch sizes. Prints one line per batch size."""
import sys
import time

import torch
from sentence_transformers import SentenceTransformer

model_dir, input_path, count, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
batches = [int(b) for b in sys.argv[5].split(",")]
torch.set_num_threads(threads)
texts = [line for line in open(input_path, encoding="utf-8").read().split("\n") if line][:count]
model = SentenceTransformer(model_dir, device="cpu")
model.max_seq_length = 256
for batch in batches:
    model.encode(texts[: batch * 2], batch_size=batch)  # warm-up
    start = time.perf_counter()
    model.encode(texts, batch_size=batch, normalize_embeddings=True)
    seconds = time.perf_counter() - start
    print(
        f"python sentence-transformers (torch {torch.__version__}, {threads} thread(s)) batch {batch}: "
        f"{len(texts)} texts in {seconds:.2f} s = {len(texts) / seconds:.1f} sentences/s"
    )
