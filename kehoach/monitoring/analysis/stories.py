"""Stories: the same event across outlets (near-duplicates, rewrites and follow-ups), grouped
incrementally with MinHash and LSH (datasketch), never by comparing all pairs.

Signature: MinHash (128 permutations) of the word 3-shingles of the title and the lead (the first
LEAD_WORDS words), on the bare key (diacritics and tone placement do not matter). The lead rather
than the whole text, because outlets rewrite the same facts at the top and then diverge, and a
feed summary must still meet its full article.

Threshold: LSH bands tuned for Jaccard THRESHOLD = 0.3; a candidate joins only if its estimated
Jaccard also reaches it, and the best candidate wins. Verbatim copies score above 0.8, a rewrite
of the same agency dispatch 0.35–0.7; two different articles on the same theme share stock
phrases ("quyền con người", "Ủy ban nhân dân huyện") but few 3-shingles (below 0.1), so 0.3
keeps a margin on both sides. datasketch picks b=37 bands of r=3 rows for 0.3: a pair at
Jaccard 0.45 becomes a candidate with probability 1-(1-0.45³)³⁷ ≈ 0.97, one at 0.15 with ≈ 0.12,
which the estimated-Jaccard check then turns away.
"""

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from .text import Text

NUM_PERM = 128
THRESHOLD = 0.3
LEAD_WORDS = 150
SHINGLE = 3


def shingles(title: str, text: str) -> set[bytes]:
    return shingles_of(Text(f"{title}\n{text}"))


def shingles_of(text: Text) -> set[bytes]:
    words = [t.bare for t in text.tokens[:LEAD_WORDS]]
    if len(words) < SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


_permutations: Any = None


def signature_of(text: Text) -> Any:
    """MinHash of the text's lead; the permutations are drawn once per process and shared."""
    global _permutations
    from datasketch import LeanMinHash, MinHash  # type: ignore[import-untyped]

    if _permutations is None:
        template = MinHash(num_perm=NUM_PERM)
        _permutations = (template.scheme, template.permutations)
    scheme, permutations = _permutations
    minhash = MinHash(num_perm=NUM_PERM, scheme=scheme, permutations=permutations)
    minhash.update_batch(list(shingles_of(text)))
    return LeanMinHash(minhash)


def signature(title: str, text: str) -> Any:
    return signature_of(Text(f"{title}\n{text}"))


@dataclass
class StoryIndex:
    """Articles seen so far and the story of each; `assign` places a new one."""

    threshold: float = THRESHOLD
    lsh: Any = None
    signatures: dict[Hashable, Any] = field(default_factory=dict)
    story_of: dict[Hashable, Hashable] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from datasketch import MinHashLSH

        self.lsh = MinHashLSH(threshold=self.threshold, num_perm=NUM_PERM)

    def __contains__(self, key: Hashable) -> bool:
        return key in self.signatures

    def match(self, minhash: Any) -> tuple[Hashable | None, float]:
        """The story of the most similar article already indexed, with the estimated Jaccard."""
        best: Hashable | None = None
        best_score = 0.0
        for candidate in self.lsh.query(minhash):
            score = float(minhash.jaccard(self.signatures[candidate]))
            if score >= self.threshold and score > best_score:
                best, best_score = candidate, score
        return (self.story_of[best] if best is not None else None), best_score

    def add(self, key: Hashable, minhash: Any, story: Hashable) -> None:
        if key in self.signatures:
            return
        self.lsh.insert(key, minhash)
        self.signatures[key] = minhash
        self.story_of[key] = story

    def assign(
        self, key: Hashable, title: str, text: str, *, minhash: Any = None
    ) -> tuple[Hashable, float]:
        """Join the story of the closest earlier article, or start one named after `key`."""
        if key in self.story_of:
            return self.story_of[key], 1.0
        minhash = minhash if minhash is not None else signature(title, text)
        story, score = self.match(minhash) if not minhash.is_empty() else (None, 0.0)
        if story is None:
            story = key
        self.add(key, minhash, story)
        return story, score
