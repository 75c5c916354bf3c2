"""The words of a voice note with their times, confidences and code marks.

Stored as JSON on ``refs/notes/voice-words`` beside the text and the recording
(``gitops/notes.py``), so the page that plays a note never transcribes again::

    {"version": 1, "timing": "words" | "segments", "model": "...",
     "text_sha": "<sha1 of the text note>", "audio": "<blob id of the recording>",
     "duration": 11.0,
     "words": [{"w": "parse_headers", "s": 1.2, "e": 1.9, "p": 0.97, "code": true, "unsure": false}]}

Whisper's words are timed by its alignment heads (``asr/wordtimes.py``); other
families give segment times, shared out over a segment's words by their length.
The record is made when a note is made (``git voice note add``, the web page);
a note made before, or changed since (the text's hash or the recording's blob
differs), gets a new one on first view. Nothing here imports torch until a model
is needed.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Sequence

from .. import ui
from ..asr.engine import DecodeOptions, Engine
from ..compose.formats import subtitles
from ..compose.wrap import wrap
from ..config import load_settings
from ..errors import AudioError
from ..gitops import notes
from ..gitops.changes import ChangeRef
from ..gitops.repo import Repo
from ..util import readable

VERSION = 1
# A word whose least likely token the decoder gave less than this is marked unsure.
UNSURE_BELOW = 0.4
# Shapes only code has: snake_case, dotted or slashed names, camelCase, calls, ``::``.
_CODE_SHAPE = re.compile(r"`[^`]+`|\w+_\w+|\w[\w-]*[./:]{1,2}\w|[a-z]+[A-Z]\w*|\w\(\)|^[A-Z]{2,}[a-z]+[A-Z]")


@dataclass
class Word:
    w: str
    s: float
    e: float
    p: float | None = None
    code: bool = False
    unsure: bool = False

    @property
    def code_parts(self) -> tuple[str, str, str]:
        """(punctuation before, the code, punctuation after): a sentence's full stop or
        comma is not part of the name it follows (``user_store.py.`` shows as
        ``user_store.py`` then ``.``)."""
        return code_parts(self.w)


def text_sha(text: str) -> str:
    # surrogateescape: a note another tool wrote in Latin-1 reaches here with its bytes
    # kept as surrogates (gitops.repo.run_git); its hash is that of the bytes git holds.
    return hashlib.sha1(text.encode("utf-8", "surrogateescape")).hexdigest()


def bare(word: str) -> str:
    """``word`` without the punctuation around it and without backticks."""
    return word.strip("`'\".,;:!?()[]{}<>").strip("`")


_AROUND = re.compile(r"^([\"'(\[]*)(.*?)([\"'.,;:!?)\]]*)$", re.S)


def code_parts(word: str) -> tuple[str, str, str]:
    """Split ``word`` into its leading punctuation, its code and its trailing sentence
    punctuation, backticks dropped. A call's own ``)`` stays with the name."""
    lead, core, trail = _AROUND.match(word.replace("`", "")).groups()
    while trail.startswith(")") and core.count("(") > core.count(")"):
        core, trail = core + ")", trail[1:]
    return lead, core, trail


def is_code(word: str, terms: Iterable[str] = ()) -> bool:
    """Whether ``word`` is a code term: one of ``terms`` (the change's), or shaped like code."""
    core = bare(word)
    if not core:
        return False
    return core in set(terms) or bool(_CODE_SHAPE.search(word.strip(".,;:!?\"'()")))


def mark(words: list[Word], terms: Iterable[str]) -> list[Word]:
    """Set each word's ``code`` and ``unsure`` marks (code terms are never marked unsure:
    they were written from the change, not guessed)."""
    terms = set(terms)
    for w in words:
        w.code = is_code(w.w, terms)
        w.unsure = w.p is not None and w.p < UNSURE_BELOW and not w.code
    return words


def segment_words(text: str, segments: Sequence[tuple[float, float, str]]) -> list[Word]:
    """``text``'s words timed by segments (start, end, text): each segment's share of words,
    in proportion to its word count, spread over its time by word length."""
    words = text.split()
    total = sum(len(t.split()) for _, _, t in segments) or 1
    out: list[Word] = []
    done = 0
    for i, (start, end, seg_text) in enumerate(segments):
        upto = len(words) if i == len(segments) - 1 else round(len(words) * (done + len(seg_text.split())) / total)
        done += len(seg_text.split())
        mine = words[len(out) : upto]
        chars = sum(len(w) + 1 for w in mine) or 1
        t = start
        for w in mine:
            step = (end - start) * (len(w) + 1) / chars
            out.append(Word(w, round(t, 2), round(t + step, 2)))
            t += step
    return out


def compute(engine: Engine, samples: Any, text: str, *, segments: Sequence[tuple[float, float, str]] | None = None,
            language: str | None = None) -> tuple[str, list[Word]]:
    """(timing kind, words) of ``text`` spoken in ``samples`` (16 kHz mono).

    A Whisper engine aligns the words; any other needs ``segments`` (start, end,
    text), and transcribes once for them when none are given.
    """
    spans = [(a, b, len(t.split())) for a, b, t in segments or ()]
    timed = engine.align(samples, text, spans, language)
    if timed is not None:
        return "words", [Word(w.text, w.start, w.end, w.prob) for w in timed]
    if segments is None:
        result = engine.transcribe(samples, DecodeOptions(language=language))
        segments = [(s.start, s.end, s.text) for s in result.segments]
    return "segments", segment_words(text, segments or [(0.0, len(samples) / 16000, text)])


def record(repo: Repo, rev: str, text: str, kind: str, words: list[Word], model: str, duration: float) -> dict[str, Any]:
    """The JSON record for ``rev`` (see the module docstring), stored on ``refs/notes/voice-words``."""
    data = {"version": VERSION, "timing": kind, "model": model, "text_sha": text_sha(text),
            "audio": notes.audio_blob(repo, rev), "duration": round(duration, 3),
            "words": [asdict(w) for w in words]}
    notes.set_words(repo, rev, json.dumps(data, ensure_ascii=False))
    return data


def stored(repo: Repo, rev: str) -> dict[str, Any] | None:
    """The stored record of ``rev``, when it still matches the note's text and recording."""
    raw = notes.get_words(repo, rev)
    text = notes.get_text(repo, rev)
    if raw is None or text is None:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    fresh = (isinstance(data, dict) and data.get("version") == VERSION and data.get("text_sha") == text_sha(text)
             and data.get("audio") == notes.audio_blob(repo, rev))
    return data if fresh else None


def change_terms(repo: Repo, rev: str) -> list[str]:
    """The written forms of the commit's code-term candidates."""
    from .transcribe import candidates_of

    return [c.term for c in candidates_of(repo, ChangeRef.commit(rev))]


def make(repo: Repo, rev: str, settings: Any, *, segments: Sequence[tuple[float, float, str]] | None = None,
         terms: Iterable[str] = ()) -> dict[str, Any] | None:
    """Compute and store the record of ``rev``'s note; None when it has no text or no recording."""
    from ..asr.registry import load_engine

    text = notes.get_text(repo, rev)
    data = notes.get_audio(repo, rev)
    if text is None or data is None:
        return None
    audio = _load_bytes(data, settings)
    engine, _ = load_engine(settings.model, settings.device)
    # The text's own bytes stay the record's key (text_sha); the model reads them decoded.
    kind, words = compute(engine, audio.samples, readable(text), segments=segments, language=settings.language)
    mark(words, set(terms) | set(change_terms(repo, rev)))
    return record(repo, rev, text, kind, words, engine.name, audio.duration)


def _load_bytes(data: bytes, settings: Any) -> Any:
    """Decode recording bytes (through a private temporary file: ``load_audio`` reads paths)."""
    import os
    import tempfile

    from ..audio.load import load_audio

    fd, path = tempfile.mkstemp(prefix="git-voice-note-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return load_audio(path, max_seconds=settings.max_seconds)
    except AudioError as exc:  # name the recording, not the temporary file it was read through
        raise AudioError(str(exc).replace(path, "the note's recording")) from None
    finally:
        os.unlink(path)


def for_note(repo: Repo, rev: str, settings: Any) -> dict[str, Any] | None:
    """The words of ``rev``'s note: the stored record, or one made now (and stored)."""
    return stored(repo, rev) or make(repo, rev, settings)


def words_of(data: dict[str, Any]) -> list[Word]:
    return [Word(**{k: d.get(k) for k in ("w", "s", "e", "p", "code", "unsure")}) for d in data.get("words", [])]


def cues(words: Sequence[Word], max_words: int = 12) -> list[tuple[float, float, str]]:
    """Subtitle cues: words grouped up to a sentence end or ``max_words``."""
    out, group = [], []
    for w in words:
        group.append(w)
        if len(group) >= max_words or w.w.endswith((".", "?", "!")):
            out.append((group[0].s, group[-1].e, " ".join(bare_code(x) for x in group)))
            group = []
    if group:
        out.append((group[0].s, group[-1].e, " ".join(bare_code(x) for x in group)))
    return out


def bare_code(word: Word) -> str:
    return word.w.replace("`", "") if word.code else word.w


def to_srt(words: Sequence[Word]) -> str:
    return subtitles(cues(words), "srt")


def to_vtt(words: Sequence[Word]) -> str:
    return subtitles(cues(words), "vtt")


def marked_text(repo: Repo, rev: str, text: str, *, tty: bool) -> str:
    """``rev``'s note with its unsure words marked (``git voice show --unsure``): underlined on a
    terminal, ``[word?]`` elsewhere; the text as it is when the note has no recording."""
    data = for_note(repo, rev, load_settings(repo.cwd))
    if data is None:
        return ui.sanitize(text).rstrip("\n")
    marked = []
    for w in words_of(data):
        word = ui.sanitize(w.w)
        marked.append((f"\x1b[4m{word}\x1b[24m" if tty else f"[{word}?]") if w.unsure else word)
    # Wrapping counts the escape codes as letters; a terminal's lines come out a little short.
    return wrap(" ".join(marked))
