"""Transcripts as text, JSON, SubRip (srt) or WebVTT (vtt) for ``git voice transcribe``."""

from __future__ import annotations

import json
from typing import Sequence

from ..types import Transcript


def stamp(seconds: float, sep: str) -> str:
    """``HH:MM:SS<sep>mmm`` (SubRip: ``,``; WebVTT: ``.``)."""
    ms = int(round(max(0.0, seconds) * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _cues(t: Transcript) -> list[tuple[float, float, str]]:
    if t.segments:
        cues = [(s.start, s.end, s.text) for s in t.snapped_segments() if s.text]
    elif t.text:
        cues = [(0.0, t.duration, t.text)]
    else:
        cues = []
    # Cues start and end inside the audio, never end before they start, and come in time
    # order (a third-party server's segments can break all three).
    cues = [(min(max(a, 0.0), t.duration), b, txt) for a, b, txt in cues]
    return sorted(((a, max(a, min(b if b > a else t.duration, t.duration)), txt) for a, b, txt in cues),
                  key=lambda c: c[0])


def cue_text(text: str, fmt: str) -> str:
    """``text`` as one cue's payload: on one line (a blank line would end the cue), never
    holding the ``-->`` that marks a timing line; in WebVTT, ``&``, ``<`` and ``>`` escaped
    (a raw ``<`` opens a tag there: ``Vec<u8>`` would lose its text)."""
    text = " ".join(text.split())
    if fmt == "vtt":
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("-->", "->")  # SubRip has no escapes


def subtitles(cues: Sequence[tuple[float, float, str]], fmt: str) -> str:
    """``cues`` (start, end, text) as a SubRip (``srt``) or WebVTT (``vtt``) file."""
    if fmt == "srt":
        return "".join(f"{i}\n{stamp(a, ',')} --> {stamp(b, ',')}\n{cue_text(txt, fmt)}\n\n"
                       for i, (a, b, txt) in enumerate(cues, 1))
    if fmt == "vtt":
        return "WEBVTT\n\n" + "".join(f"{stamp(a, '.')} --> {stamp(b, '.')}\n{cue_text(txt, fmt)}\n\n"
                                        for a, b, txt in cues)
    raise ValueError(f"no subtitle format {fmt!r}")


def render(transcripts: Sequence[Transcript], fmt: str) -> str:
    """``transcripts`` in ``fmt``. Several files in srt or vtt make one document: one header,
    cues numbered on, each file's cues after the previous files' audio (one timeline)."""
    if fmt == "json":
        data = [t.to_dict() for t in transcripts]
        return json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "text":
        parts = [(f"==> {t.source} <==\n" if len(transcripts) > 1 else "") + (t.text + "\n" if t.text else "")
                 for t in transcripts]
        return "\n".join(parts)
    cues: list[tuple[float, float, str]] = []
    offset = 0.0
    for t in transcripts:
        cues += [(offset + a, offset + b, txt) for a, b, txt in _cues(t)]
        offset += t.duration
    return subtitles(cues, fmt)
