"""Tiny Qwen3-ASR and Fun-ASR-Nano checkpoints, built once per test run."""

from __future__ import annotations

from pathlib import Path

import pytest

from .tiny_checkpoints import build_fun_asr_nano, build_qwen3_asr


@pytest.fixture(scope="session")
def tiny_qwen3(tmp_path_factory) -> Path:
    return build_qwen3_asr(tmp_path_factory.mktemp("qwen3-asr-tiny"))


@pytest.fixture(scope="session")
def tiny_fun_asr(tmp_path_factory) -> Path:
    return build_fun_asr_nano(tmp_path_factory.mktemp("fun-asr-nano-tiny"))
