"""Sentences of an article matched against verified fact-checks, with a score and passages.

Similarity: cosine of hashed (stateless, so scores do not depend on what else is in the base)
character n-grams (3–5, within words) and word 1–2-grams of the bare key, averaged. Character
n-grams catch inflected and re-spelled wording; word bigrams keep unrelated sentences built of
the same common syllables apart. Each claim's score is its best sentence pair.

On hand-written pairs: the claim restated 0.80, paraphrased 0.55, a sentence of the rebuttal
sharing its words ("thu hồi đất", "bồi thường") 0.27, another sentence on the same district 0.23.
Two thresholds (settings MONITORING_CLAIM_SUGGESTED, default 0.4, and MONITORING_CLAIM_STRONG,
default 0.7): at or above the first a match is suggested to a reviewer; at or above the second
it is strong.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from .text import Text, sentences

SUGGESTED = 0.4
STRONG = 0.7
MIN_WORDS = 5
MAX_SENTENCES = 400


def thresholds() -> tuple[float, float]:
    """(suggested, strong) from the settings when Django is configured, else the defaults."""
    try:
        from django.conf import settings

        return (
            float(getattr(settings, "MONITORING_CLAIM_SUGGESTED", SUGGESTED)),
            float(getattr(settings, "MONITORING_CLAIM_STRONG", STRONG)),
        )
    except Exception:  # settings not configured: the batch command's defaults
        return SUGGESTED, STRONG


@dataclass(frozen=True)
class ClaimHit:
    claim: Hashable
    score: float
    strength: str  # "suggested" or "strong"
    sentence: str  # of the article
    passage: str  # of the claim


def _sentences(text: str) -> list[str]:
    out = []
    normalised = Text(text).text
    for start, end in sentences(normalised):
        sentence = normalised[start:end]
        if len(sentence.split()) >= MIN_WORDS:
            out.append(sentence)
    return out


class ClaimMatcher:
    def __init__(self, claims: Sequence[tuple[Hashable, str]]) -> None:
        from sklearn.feature_extraction.text import (  # type: ignore[import-untyped]
            HashingVectorizer,
        )

        self._chars = HashingVectorizer(
            analyzer="char", ngram_range=(4, 6), n_features=2**18, alternate_sign=False
        )
        self._words = HashingVectorizer(
            analyzer="word", ngram_range=(1, 2), n_features=2**18, alternate_sign=False
        )
        self._rows: list[tuple[Hashable, str]] = []
        for key, claim in claims:
            parts = _sentences(claim) or [Text(claim).text]
            self._rows.extend((key, part) for part in parts if part.strip())
        self._matrix = self._vectors([part for _k, part in self._rows]) if self._rows else None

    def _vectors(self, texts: Sequence[str]) -> tuple[Any, Any]:
        keys = [Text(t).bare_key for t in texts]
        return self._chars.transform(keys), self._words.transform(keys)

    def __bool__(self) -> bool:
        return bool(self._rows)

    def match(self, title: str, text: str) -> list[ClaimHit]:
        """Claims at or above the suggested threshold, best first, each once."""
        if self._matrix is None:
            return []
        candidates = (_sentences(title) + _sentences(text))[:MAX_SENTENCES]
        if not candidates:
            return []
        suggested, strong = thresholds()
        chars, words = self._vectors(candidates)
        scores = ((chars @ self._matrix[0].T).toarray() + (words @ self._matrix[1].T).toarray()) / 2
        best: dict[Hashable, ClaimHit] = {}
        for i, j in zip(*(scores >= suggested).nonzero(), strict=True):
            score = float(scores[i, j])
            key, passage = self._rows[j]
            if key not in best or best[key].score < score:
                best[key] = ClaimHit(
                    key,
                    round(score, 4),
                    "strong" if score >= strong else "suggested",
                    candidates[i],
                    passage,
                )
        return sorted(best.values(), key=lambda hit: -hit.score)
