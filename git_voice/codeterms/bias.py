"""Biased decoding: shallow fusion of a prefix tree of the candidates' token sequences.

While Whisper generates, each row's latest text tokens are looked up in a prefix
tree of every candidate's spoken and written forms ("get user by id",
"get_user_by_id", ...). When they are a proper prefix of a form, the tokens that
continue it get a bonus; the bonus already given along a path is withdrawn when
the path is left unfinished (the row pays it back on every other token), so a
half-said term costs what it gained. The first token of a form gets nothing: a
term must be started by what the audio says, which keeps speech without code
exactly as unbiased decoding gives it.

No state is kept between calls. The position in the tree is recomputed from
each row's own tokens after its last special token (start of transcript, a
timestamp), so the processor is safe across transformers' long-form windows,
temperature fallbacks, beams and a batch that shrinks as rows finish, and it
never looks at the prompt (which sits before ``<|startoftranscript|>``).
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

from .spoken import ACRONYM_SOUNDS, pieces, spoken_forms

# Nats of bonus per matched token at strength 1.0 (voice.biasStrength scales it).
BASE_BONUS = 2.0
# At most this many tokens' bonus is withdrawn: deeper paths are settled anyway.
MAX_WITHDRAW_TOKENS = 3
# Spoken forms per term in the tree; the rest are rarer pronunciations that
# snapping still recognises afterwards.
FORMS_PER_TERM = 6
# A spoken text: words of letters only (no separators, digits or file endings written).
_SPOKEN_TEXT = re.compile(r"^ [A-Za-z]+(?: [A-Za-z]+)*$")
# Words Whisper writes in capitals when it hears them spelt.
UPPER_WORDS = frozenset(
    "id ids url uri http https json api io ui db sql xml html css cpu gpu tls ssl tcp udp dns uuid jwt cli os fs utf".split()
) | frozenset(ACRONYM_SOUNDS)


def surface_texts(term: str) -> list[str]:
    """The texts Whisper may write for ``term`` mid-sentence, each with its leading space.

    Takes a term; returns its spoken forms (lower case, sentence case, acronyms in
    capitals) and its written form (as is and in sentence case), without duplicates.
    """
    out: list[str] = []
    for form in spoken_forms(term)[:FORMS_PER_TERM]:
        upper = " ".join(w.upper() if w in UPPER_WORDS else w for w in form.split())
        for text in (form, form[:1].upper() + form[1:], upper):
            if text and text not in out:
                out.append(text)
    if len(pieces(term)) > 1:
        # As written, and in sentence case as Whisper writes a name it takes for a
        # proper noun or a sentence's start ("in Plan.go" for ``plan.go``).
        for text in (term, term[:1].upper() + term[1:]):
            if text not in out:
                out.append(text)
    return [" " + t for t in out]


class PrefixTree:
    """Token sequences of forms, stored as prefix → the tokens that continue it."""

    def __init__(self, sequences: Iterable[Sequence[int]]) -> None:
        self.children: dict[tuple[int, ...], set[int]] = {}
        self.complete: set[tuple[int, ...]] = set()
        self.depth = 0
        for seq in sequences:
            seq = tuple(seq)
            if len(seq) < 2:
                continue  # a one-token form has no continuation to boost
            self.depth = max(self.depth, len(seq))
            for d in range(1, len(seq)):
                self.children.setdefault(seq[:d], set()).add(seq[d])
            self.complete.add(seq)

    def __len__(self) -> int:
        return len(self.complete)

    def lookup(self, tokens: Sequence[int]) -> tuple[list[tuple[int, ...]], bool]:
        """The suffixes of ``tokens`` that are prefixes in the tree, longest first.

        Returns them and whether the longest is itself a complete form.
        """
        found: list[tuple[int, ...]] = []
        for d in range(min(len(tokens), self.depth - 1), 0, -1):
            key = tuple(tokens[len(tokens) - d :])
            if key in self.children:
                found.append(key)
        return found, bool(found) and found[0] in self.complete


def with_s(text: str) -> str | None:
    """A spoken text with an -s (or -es, -ies) on its last word, or None for a written form.

    The tree holds both, so the bonus favours the term's words and leaves the ending
    to the audio: "deserializes" is not cut to the term ``deserialize`` nor "parse
    headers" to "parse header" because only the bare form's tokens were boosted.
    """
    last = text.rsplit(" ", 1)[-1]
    if not _SPOKEN_TEXT.match(text) or len(last) < 3 or not last.islower():
        return None  # a written form, or an acronym or short piece ("signal set FN"): no word to inflect
    if text.endswith(("s", "x", "z", "ch", "sh")):
        return text + "es"
    if text.endswith("y") and text[-2:-1] not in "aeiou":
        return text[:-1] + "ies"
    return text + "s"


def build_tree(terms: Sequence[str], tokenizer: Any) -> PrefixTree:
    """The prefix tree of every surface text of ``terms`` (and of its spoken texts with
    an -s ending, :func:`with_s`) under ``tokenizer``."""
    seqs = []
    for term in terms:
        for text in surface_texts(term):
            for t in (text, with_s(text)):
                if t is not None:
                    seqs.append(tokenizer.encode(t, add_special_tokens=False))
    return PrefixTree(seqs)


class TermBiasProcessor:
    """A transformers logits processor (``__call__(input_ids, scores) -> scores``)."""

    def __init__(self, tree: PrefixTree, first_special: int, bonus: float) -> None:
        """Takes the tree, the lowest special token id (``<|endoftext|>``) and the bonus in nats."""
        self.tree = tree
        self.first_special = first_special
        self.bonus = bonus
        self._index: dict[tuple[int, ...], Any] = {}

    def text_suffix(self, row: Sequence[int]) -> list[int]:
        """The row's last text tokens since its last special token, at most the tree's depth."""
        out: list[int] = []
        for tok in reversed(row):
            if tok >= self.first_special or len(out) >= self.tree.depth:
                break
            out.append(tok)
        out.reverse()
        return out

    def _ids(self, prefix: tuple[int, ...], device: Any) -> Any:
        """The continuation tokens of ``prefix`` as an index tensor, made once per prefix."""
        ids = self._index.get(prefix)
        if ids is None:
            import torch

            ids = self._index[prefix] = torch.tensor(sorted(self.tree.children[prefix]), device=device)
        return ids

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        if not self.tree.depth or self.bonus == 0:
            return scores
        rows = input_ids[:, -self.tree.depth :].tolist()
        paid: list[float] = [0.0] * len(rows)
        for i, row in enumerate(rows):
            prefixes, complete = self.tree.lookup(self.text_suffix(row))
            if not prefixes:
                continue
            # The bonus already given along the path (its first token got none)
            # is taken back from every token except those that continue it.
            if not complete:
                paid[i] = self.bonus * min(len(prefixes[0]) - 1, MAX_WITHDRAW_TOKENS)
            scores[i, self._ids(prefixes[0], scores.device)] += paid[i] + self.bonus
            for prefix in prefixes[1:]:
                scores[i, self._ids(prefix, scores.device)] += self.bonus
        if any(paid):
            import torch

            scores -= torch.tensor(paid, dtype=scores.dtype, device=scores.device)[:, None]
        return scores


def make_processor(terms: Sequence[str], tokenizer: Any, strength: float) -> TermBiasProcessor | None:
    """A processor for ``terms`` under ``tokenizer`` at ``strength`` (1.0 default), or None."""
    tree = build_tree(terms, tokenizer)
    if not len(tree) or strength <= 0:
        return None
    first_special = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    return TermBiasProcessor(tree, int(first_special), BASE_BONUS * strength)
