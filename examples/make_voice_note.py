"""Regenerate examples/voice-note.flac: the demo's spoken note, synthesised with hibari.

    .venv/bin/python examples/make_voice_note.py

Seeded, so the same text gives the same audio. The text is in NOTE below and
in examples/voice-note.txt (the reference the demo compares against).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

HERE = Path(__file__).resolve().parent
NOTE = (HERE / "voice-note.txt").read_text(encoding="utf-8").strip()


def main() -> None:
    from hibari import Hibari

    audio = Hibari()(NOTE, seed=0)
    audio = soxr.resample(audio, 24000, 16000).astype(np.float32)
    pad = np.zeros(8000, np.float32)
    sf.write(HERE / "voice-note.flac", np.concatenate([pad, audio, pad]), 16000, format="FLAC", subtype="PCM_16")
    print(f"wrote {HERE / 'voice-note.flac'} ({len(audio) / 16000:.1f} s)")


if __name__ == "__main__":
    main()
