"""Audio file → transcript with code terms: the path every command shares.

    load audio (all files first, so bad input fails before the model loads)
      → where the speech is (Silero VAD): a take without speech needs no model, and
        the silence before the first word and after the last is not decoded
      → code-term candidates of the change (:func:`candidates_of`, one diff for every command)
      → engine (``asr``, or the warm server in ``serve``), biased toward those terms
      → snapping spoken spans to the code form (``codeterms.snap``)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from .. import ui
from ..asr.engine import DecodeOptions, Engine, EngineResult
from ..asr.registry import load_engine
from ..audio import vad
from ..audio.load import SAMPLE_RATE, Audio, load_audio
from ..codeterms import terms as codeterms
from ..codeterms.candidates import Candidate, from_diff_text
from ..config import Settings, cache_dir
from ..errors import AudioError, GitError, GitVoiceError, ModelError
from ..gitops import changes
from ..gitops.changes import ChangeRef
from ..gitops.repo import Repo
from ..serve.client import ServerUnavailable, find_server
from ..types import Segment, Transcript
from ..util import first_line


def candidates_of(repo: Repo, ref: ChangeRef) -> list[Candidate]:
    """The code-term candidates of a change, best first: every command draws them here.

    A change git cannot resolve is a :class:`GitError` (the user sees it), never
    silently no terms.
    """
    try:
        return from_diff_text(changes.diff(repo, ref))
    except GitError as exc:
        raise GitError(f"cannot read the change {ref} for its code terms: {exc}") from None


def decode_options(settings: Settings, language: str | None, terms: codeterms.TermSet, bias: bool = True) -> DecodeOptions:
    """What every engine is asked for: in-process and in the warm server alike."""
    return DecodeOptions(
        language=language or settings.language,
        beam_size=settings.beam_size,
        biasing=codeterms.biasing(terms, settings.bias_strength) if bias else None,
    )


@dataclass
class Request:
    """What to transcribe with; built by the CLI from options over settings."""

    settings: Settings
    model: str | None = None
    device: str | None = None
    language: str | None = None
    # Extra terms (``--hotword``, ``voice.hotwords``) and the change's candidates.
    hotwords: Sequence[str] = ()
    candidates: Sequence[Candidate] = ()
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
        detail = first_line(exc)
        name = request.model_name or "the bundled model"
        hint = f" (delete {cache_dir()} to rebuild it)" if request.model_name is None else ""
        raise ModelError(f"cannot load {name}: {detail}{hint}") from exc


def _server(request: Request) -> Engine | None:
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


def trimmed(audio: Audio, speech: vad.Speech) -> tuple[Audio, float]:
    """``audio`` from a little before its first word to a little after its last, and
    where that starts (seconds): the silence around a take is not worth decoding."""
    start, end = speech.bounds()
    return Audio(audio.samples[start:end], audio.source), start / SAMPLE_RATE


def shifted(segments: Sequence[Segment], offset: float) -> list[Segment]:
    """``segments`` with times counted ``offset`` seconds later (from the take's start)."""
    return [Segment(s.start + offset, s.end + offset, s.text) for s in segments]


def transcribe_audio(audios: Sequence[Audio], request: Request) -> list[Transcript]:
    """Transcribe decoded audio with one engine load for all of it."""
    term_set = codeterms.collect(request.hotwords, request.candidates)
    # With a warm server, the speech map is loudness alone: the server runs the VAD on
    # what it is sent; running it here as well would only repeat that work.
    engine = _server(request) if any(vad.loudness_map(a.samples).any for a in audios) else None
    maps = [vad.loudness_map(a.samples) if engine is not None else vad.analyse(a.samples) for a in audios]
    load_seconds = 0.0
    if engine is None and any(m.any for m in maps):
        engine, load_seconds = _load(request)
    results: list[Transcript] = []
    for audio, speech in zip(audios, maps):
        t0 = time.perf_counter()
        if not speech.any:
            ui.warn(f"{audio.source} is silent (no speech heard): empty transcript")
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
        options = decode_options(request.settings, request.language, term_set, request.bias)
        spoken, offset = trimmed(audio, speech)
        try:
            result = _run(engine, spoken, options)
        except ServerUnavailable as exc:
            # No warm server after all (or it failed): this process loads the model.
            if engine.explicit:
                ui.warn(f"{exc}; transcribing here instead")
            engine, load_seconds = _load(request)
            result = _run(engine, spoken, options)
        result.segments = shifted(result.segments, offset)
        timings = {"load": load_seconds, "transcribe": time.perf_counter() - t0}
        results.append(finish_transcript(audio.source, audio.duration, engine, result, term_set, request, timings))
        load_seconds = 0.0  # the model loaded once, for the first file
    return results


def finish_transcript(
    source: str, duration: float, engine: Engine, result: EngineResult, term_set: codeterms.TermSet,
    request: Request, timings: dict[str, float],
) -> Transcript:
    """What the engine heard in ``source`` (``duration`` seconds long) as a :class:`Transcript`,
    spoken code terms snapped to their code form (live transcription ends here too)."""
    raw = " ".join(s.text for s in result.segments).strip()
    text, rewrites = codeterms.snap_text(raw, term_set, request.settings.code_style)
    if not text:  # noise or music: say so rather than hand back an unexplained blank
        ui.warn(f"{source}: no speech recognised: empty transcript")
    return Transcript(
        text=text,
        language=result.language,
        duration=duration,
        model=engine.name,
        device=engine.device,
        segments=result.segments,
        hotwords=result.hotwords if result.hotwords is not None else term_set.written_forms(),
        rewrites=rewrites,
        rereads=[r for r in result.rereads if r.kept],
        timings=timings,
        source=source,
        raw_text=raw,
    )


def transcribe_files(paths: Sequence[str | Path], request: Request) -> list[Transcript]:
    return transcribe_audio(load_all(paths, request.settings), request)


def joined_text(results: Sequence[Transcript]) -> str:
    """The spoken text of several takes, joined in order; an AudioError when none holds speech."""
    text = " ".join(t.text.strip() for t in results if t.text.strip())
    if not text:
        raise AudioError("the recording holds no speech: nothing to write")
    return text


def transcribe_text(paths: Sequence[Path], request: Request) -> str:
    """The spoken text of ``paths`` (see :func:`joined_text`)."""
    return joined_text(transcribe_files(list(paths), request))
