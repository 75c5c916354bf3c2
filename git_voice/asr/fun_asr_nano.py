"""Fun-ASR-Nano (``FunAudioLLM/Fun-ASR-Nano-2512-hf``) through transformers >= 5.17.

The request is one user turn: the audio, the code terms as the model's
``keywords`` (its hotword list) and, when the user named one, the language by
the Chinese name the model was trained with (中文, 英文, 日文). The model
answers with the text only; without a requested language, the language is read
from the script of that text.

Features: transformers' extractor computes Kaldi filterbanks with
``torchaudio.compliance.kaldi.fbank``, and torchaudio must match torch's version
exactly (none does for torch 2.13). When torchaudio cannot be used, the same
filterbank is computed with transformers' own numpy audio functions — the
Kaldi mel scale, triangles in mel space, DC removal, pre-emphasis 0.97, a
power spectrum, log with float32 epsilon floor — followed by transformers'
unchanged frame stacking (LFR) and padding. ``tests/asr/test_fun_asr_nano.py``
checks these filterbanks against kaldi-native-fbank's to 1e-3.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from ..util import first_line
from .audio_llm import AudioLlmEngine, script_language

# torchaudio's Kaldi window names → transformers' window_function names
# (all symmetric, as Kaldi's are). Blackman has no numpy counterpart there.
KALDI_WINDOWS = {"hamming": "hamming", "hanning": "hann", "povey": "povey", "rectangular": "boxcar"}
KALDI_PREEMPHASIS = 0.97
KALDI_LOW_FREQ = 20.0
FLOAT32_EPS = float(np.finfo(np.float32).eps)  # Kaldi's floor before the log


def torchaudio_problem() -> str | None:
    """Why torchaudio cannot compute the features here (None: it can)."""
    import torch

    try:
        import torchaudio
        import torchaudio.compliance.kaldi  # noqa: F401  (loads the compiled parts)
    except ImportError:
        return "torchaudio is not installed"
    except Exception as exc:  # a build for another torch fails to load its library
        return f"torchaudio does not load with torch {torch.__version__} ({first_line(exc)})"
    ours, theirs = torch.__version__.split("+")[0].split(".")[:2], torchaudio.__version__.split("+")[0].split(".")[:2]
    if ours != theirs:
        return f"torchaudio {torchaudio.__version__} does not match torch {torch.__version__}"
    return None


def kaldi_fbank(
    waveform: np.ndarray, num_mel_bins: int, frame_length_ms: float, frame_shift_ms: float, sample_rate: int, window: str
) -> np.ndarray:
    """Kaldi log mel filterbank energies, ``(frames, num_mel_bins)`` float32.

    The defaults of ``torchaudio.compliance.kaldi.fbank`` as transformers calls it:
    no dither, snip edges, FFT size rounded up to a power of two, bins from 20 Hz
    to Nyquist.
    """
    from transformers.audio_utils import mel_filter_bank, spectrogram, window_function

    frame = int(sample_rate * frame_length_ms / 1000)
    shift = int(sample_rate * frame_shift_ms / 1000)
    if len(waveform) < frame:
        return np.zeros((0, num_mel_bins), dtype=np.float32)
    fft = 1 << (frame - 1).bit_length()
    mel = mel_filter_bank(
        num_frequency_bins=fft // 2 + 1,
        num_mel_filters=num_mel_bins,
        min_frequency=KALDI_LOW_FREQ,
        max_frequency=sample_rate / 2,
        sampling_rate=sample_rate,
        norm=None,
        mel_scale="kaldi",
        triangularize_in_mel_space=True,
    )
    feats = spectrogram(
        np.asarray(waveform, dtype=np.float64),
        window_function(frame, KALDI_WINDOWS[window], periodic=False),
        frame_length=frame,
        hop_length=shift,
        fft_length=fft,
        power=2.0,
        center=False,
        preemphasis=KALDI_PREEMPHASIS,
        mel_filters=mel,
        mel_floor=FLOAT32_EPS,
        log_mel="log",
        remove_dc_offset=True,
        dtype=np.float64,
    )
    return feats.T.astype(np.float32)


def numpy_feature_extractor_class() -> type:
    """transformers' Fun-ASR-Nano extractor with only the filterbank step swapped for numpy."""
    from transformers.models.fun_asr_nano.feature_extraction_fun_asr_nano import FunAsrNanoFeatureExtractor

    class NumpyKaldiFeatureExtractor(FunAsrNanoFeatureExtractor):
        def _extract_fbank_features(self, waveform: Any) -> Any:
            import torch

            feats = kaldi_fbank(
                waveform.numpy(), self.feature_size, self.frame_length, self.frame_shift, self.sampling_rate, self.window
            )
            return torch.from_numpy(feats)

    return NumpyKaldiFeatureExtractor


class FunAsrNanoEngine(AudioLlmEngine):
    title = "Fun-ASR-Nano"
    model_class = "FunAsrNanoForConditionalGeneration"
    since = "5.17"
    # A hotword list, not a paragraph: FunASR's own examples give it tens of words.
    max_terms = 50
    max_term_chars = 1000

    def _load_processor(self, path: Path) -> Any:
        self._model_cls()  # the version check, before anything else fails obscurely
        from transformers import FunAsrNanoProcessor

        problem = torchaudio_problem()
        self.features = "torchaudio" if problem is None else "numpy"
        try:
            if problem is None:
                return FunAsrNanoProcessor.from_pretrained(str(path))
            return self._numpy_processor(FunAsrNanoProcessor, path, problem)
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"cannot load the Fun-ASR-Nano processor in {path}: {first_line(exc)}") from None

    @staticmethod
    def _numpy_processor(processor_cls: Any, path: Path, problem: str) -> Any:
        """The checkpoint's processor, built the way from_pretrained builds it, with the numpy extractor."""
        from transformers import AutoTokenizer

        extractor = numpy_feature_extractor_class().from_pretrained(str(path))
        window = getattr(extractor, "window", "hamming")
        if window not in KALDI_WINDOWS:
            raise ModelError(
                f"Fun-ASR-Nano's features in {path} use a {window!r} window, which needs torchaudio, "
                f"and {problem}: install the torchaudio release that matches torch"
            )
        tokenizer = AutoTokenizer.from_pretrained(str(path))
        processor_dict, kwargs = processor_cls.get_processor_dict(str(path))
        return processor_cls.from_args_and_dict([extractor, tokenizer], processor_dict, **kwargs)

    def language_name(self, code: str | None) -> str | None:
        if not code:
            return None
        from transformers.models.fun_asr_nano.processing_fun_asr_nano import LANGUAGE_CODE_TO_NAME

        name = LANGUAGE_CODE_TO_NAME.get(code.strip().lower())
        if name is None and code.strip() in LANGUAGE_CODE_TO_NAME.values():
            name = code.strip()
        if name is None:
            raise ModelError(f"Fun-ASR-Nano transcribes zh, en and ja, not {code!r} (leave the language unset to detect)")
        return name

    def _request(self, audios: list[np.ndarray], language: str | None, terms: list[str]) -> dict[str, Any]:
        return {"language": language, "keywords": list(terms) if terms else None}

    def _read(self, ids: Any, language: str | None) -> tuple[str, str | None]:
        text = self.processor.decode(ids, skip_special_tokens=True, strip_prefix=True).strip()
        return text, None if language else script_language(text)
