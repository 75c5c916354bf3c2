"""Transcripts as SubRip, WebVTT and JSON (``compose/formats.py``)."""

from __future__ import annotations

import json
import re

from git_voice.compose.formats import render, subtitles
from git_voice.types import Rewrite, Segment, Transcript


def _transcript(segments: list[Segment], terms: dict[str, str], duration: float = 3.0) -> Transcript:
    raw = " ".join(s.text for s in segments).strip()
    rewrites, text = [], raw
    for said, term in terms.items():
        i = raw.index(said)
        rewrites.append(Rewrite(said, term, i, i + len(said)))
    for r in sorted(rewrites, key=lambda r: -r.start):
        text = text[: r.start] + r.to + text[r.end :]
    return Transcript(text=text, language="en", duration=duration, model="m", device="cpu",
                      segments=segments, rewrites=rewrites, raw_text=raw)


def test_cues_and_json_segments_carry_the_snapped_code_terms():
    # The second term runs over a segment's end: it goes, whole, to the segment it starts in.
    t = _transcript([Segment(0.0, 1.0, " I renamed get user"), Segment(1.0, 2.0, " by id and fixed"),
                     Segment(2.0, 3.0, " the load config.")],
                    {"get user  by id": "get_user_by_id", "load config": "load_config"})
    assert [s.text for s in t.snapped_segments()] == ["I renamed get_user_by_id", "and fixed", "the load_config."]
    srt = render([t], "srt")
    assert "I renamed get_user_by_id\n" in srt and "the load_config.\n" in srt and "get user" not in srt
    assert [s["text"] for s in json.loads(render([t], "json"))["segments"]] == [
        "I renamed get_user_by_id", "and fixed", "the load_config."]


def test_a_transcript_whose_segments_are_not_its_raw_text_keeps_them():
    t = Transcript(text="x", language="en", duration=1.0, model="m", device="cpu",
                   segments=[Segment(0.0, 1.0, " as heard")], rewrites=[Rewrite("a", "b", 0, 1)], raw_text="other")
    assert [s.text for s in t.snapped_segments()] == ["as heard"]


def test_cue_text_cannot_end_a_cue_or_open_a_tag():
    cues = [(0.0, 1.0, "Vec<u8> & x --> y\n\nnow"), (1.0, 2.0, "plain")]
    vtt = subtitles(cues, "vtt")
    body = vtt.split("\n\n")[1].split("\n")
    assert body == ["00:00:00.000 --> 00:00:01.000", "Vec&lt;u8&gt; &amp; x --&gt; y now"]
    srt = subtitles(cues, "srt")
    assert srt.split("\n\n")[0].split("\n")[2] == "Vec<u8> & x -> y now"
    for doc in (vtt, srt):  # every "-->" is a timing line's
        assert all(re.fullmatch(r"[\d:.,]+ --> [\d:.,]+", line) for line in doc.splitlines() if "-->" in line)


def test_cues_start_and_end_inside_the_audio_in_time_order():
    # A third-party server's segments can start past the audio's end, or out of order.
    t = Transcript(text="a b c", language="en", duration=3.5, model="m", device="cpu",
                   segments=[Segment(100.0, 200.0, "a"), Segment(2.0, 1.0, "b"), Segment(0.5, 1.5, "c")])
    stamps = re.findall(r"(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})", render([t], "srt"))
    times = [(3600 * int(h) + 60 * int(m) + int(s) + int(ms) / 1000, 3600 * int(h2) + 60 * int(m2) + int(s2) + int(ms2) / 1000)
             for h, m, s, ms, h2, m2, s2, ms2 in stamps]
    assert all(0.0 <= a <= b <= 3.5 for a, b in times), times
    assert [a for a, _ in times] == sorted(a for a, _ in times), times
