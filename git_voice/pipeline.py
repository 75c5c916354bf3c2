"""Audio file → transcript with code terms: the path every command shares.

    load audio (all files first, so bad input fails before the model loads)
      → code-term candidates of the change (``codeterms``)
      → engine (``asr``), biased toward those terms
      → snapping spoken spans to the code form (``codeterms.snap``)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from . import ui
from .asr.client import ServerUnavailable, find_server
from .asr.engine import DecodeOptions, Transcript, load_engine
from .audio.load import Audio, is_silent, load_audio
from .cache import cache_dir
from .config import Settings
from .errors import GitVoiceError, ModelError


@dataclass
class Request:
    """What to transcribe with; built by the CLI from options over settings."""

    settings: Settings
    model: str | None = None
    device: str | None = None
    language: str | None = None
    # Extra terms (``--hotword``, ``voice.hotwords``) and the change's candidates.
    hotwords: Sequence[str] = ()
    candidates: Callable[[], list] | None = None
    bias: bool = True
    progress: Callable[[str], None] | None = ui.info

    @property
    def model_name(self) -> str | None:
        return self.model if self.model is not None else self.settings.model

    @property
    def device_name(self) -> str:
        return self.device or self.settings.device


def load_all(paths: Sequence[str | Path], settings: Settings) -> list[Audio]:
    return [load_audio(p, max_seconds=settings.max_seconds) for p in paths]


def _load(request: Request):
    """Load the engine; a model that is there but broken is one clear :class:`ModelError`.

    A truncated or corrupt checkpoint makes safetensors, torch or transformers raise
    their own exception types; the user needs to know which model and what to do.
    """
    try:
        return load_engine(request.model_name, request.device_name, request.progress)
    except (GitVoiceError, MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        name = request.model_name or "the bundled model"
        hint = f" (delete {cache_dir()} to rebuild it)" if request.model_name is None else ""
        raise ModelError(f"cannot load {name}: {detail}{hint}") from exc


def _server(request: Request):
    """The warm model of ``git voice serve`` or ``voice.server`` to use, or None.

    An explicit ``--device`` asks for this process's own model.
    """
    if request.device is not None:
        return None
    return find_server(request.settings.server, request.model_name)


def _run(engine, audio: Audio, options: DecodeOptions):
    """``engine.transcribe``; torch's allocator failures become :class:`MemoryError`.

    torch reports an exhausted CPU allocator as a RuntimeError ("can't allocate
    memory") and CUDA as OutOfMemoryError; both mean the same to the user.
    """
    try:
        return engine.transcribe(audio.samples, options)
    except RuntimeError as exc:
        text = str(exc).lower()
        if "allocate memory" in text or "out of memory" in text:
            raise MemoryError(f"out of memory transcribing {audio.source}") from exc
        raise


def transcribe_audio(audios: Sequence[Audio], request: Request) -> list[Transcript]:
    """Transcribe decoded audio with one engine load for all of it."""
    from .codeterms import pipeline as terms

    term_set = terms.collect(request.hotwords, request.candidates)
    need_model = any(not is_silent(a.samples) for a in audios)
    engine = None
    load_seconds = 0.0
    if need_model:
        engine = _server(request)
        if engine is None:
            engine, load_seconds = _load(request)
    results: list[Transcript] = []
    for audio in audios:
        t0 = time.perf_counter()
        if is_silent(audio.samples):
            ui.warn(f"{audio.source} is silent: empty transcript")
            results.append(
                Transcript(
                    text="",
                    language=None,
                    duration=audio.duration,
                    model=engine.name if engine else (request.model_name or "bundled"),
                    device=engine.device if engine else "none",
                    hotwords=term_set.written_forms(),
                    timings={"load": load_seconds, "transcribe": 0.0},
                    source=audio.source,
                    raw_text="",
                )
            )
            continue
        if request.progress and audio.duration > 30:
            request.progress(f"transcribing {audio.source} ({audio.duration:.0f} s of audio)...")
        options = DecodeOptions(
            language=request.language or request.settings.language,
            hotwords=term_set.written_forms(),
            beam_size=request.settings.beam_size,
            bias_strength=request.settings.bias_strength if request.bias else 0.0,
            logits_processors=terms.logits_processor_factory(term_set, request.settings) if request.bias else None,
            readings=terms.readings(term_set, request.settings) if request.bias else None,
            # The code-term machinery decides whether Whisper also gets a text prompt.
            prompt=terms.USE_PROMPT,
        )
        try:
            result = _run(engine, audio, options)
        except ServerUnavailable as exc:
            # No warm server after all (or it failed): this process loads the model.
            if engine.explicit:
                ui.warn(f"{exc}; transcribing here instead")
            engine, load_seconds = _load(request)
            result = _run(engine, audio, options)
        raw = " ".join(s.text for s in result.segments).strip()
        text, rewrites = terms.snap_text(raw, term_set, request.settings)
        if not text:  # noise or music: say so rather than hand back an unexplained blank
            ui.warn(f"{audio.source}: no speech recognised: empty transcript")
        results.append(
            Transcript(
                text=text,
                language=result.language,
                duration=audio.duration,
                model=engine.name,
                device=engine.device,
                segments=result.segments,
                hotwords=result.hotwords if result.hotwords is not None else term_set.written_forms(),
                rewrites=rewrites,
                rereads=[{k: r[k] for k in ("heard", "read", "gain")} for r in result.rereads if r.get("kept")],
                timings={"load": load_seconds, "transcribe": time.perf_counter() - t0},
                source=audio.source,
                raw_text=raw,
            )
        )
        load_seconds = 0.0  # the model loaded once, for the first file
    return results


def transcribe_files(paths: Sequence[str | Path], request: Request) -> list[Transcript]:
    return transcribe_audio(load_all(paths, request.settings), request)
