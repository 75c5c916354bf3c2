"""Which device a model runs on, and in which floating-point type."""

from __future__ import annotations

from typing import Any

from ..errors import DeviceError


def resolve_device(requested: str = "auto") -> tuple[str, Any]:
    """Pick the device and dtype: CUDA (float16) over MPS over CPU (float32).

    An explicit device that is not there is an error, never a silent fallback.
    """
    import torch

    req = (requested or "auto").strip().lower()
    cuda_ok = torch.cuda.is_available()
    mps_ok = bool(getattr(torch.backends, "mps", None)) and torch.backends.mps.is_available()
    if req == "auto":
        if cuda_ok:
            return "cuda", torch.float16
        if mps_ok:
            return "mps", torch.float32
        return "cpu", torch.float32
    if req.startswith("cuda"):
        if not cuda_ok:
            raise DeviceError(f"--device {requested}: no CUDA GPU is available to torch {torch.__version__}")
        if ":" in req:
            idx = req.split(":", 1)[1]
            if not idx.isdigit() or int(idx) >= torch.cuda.device_count():
                raise DeviceError(f"--device {requested}: there is no such CUDA device")
        return req, torch.float16
    if req == "mps":
        if not mps_ok:
            raise DeviceError("--device mps: Apple's MPS backend is not available here")
        return "mps", torch.float32
    if req == "cpu":
        return "cpu", torch.float32
    raise DeviceError(f"unknown device {requested!r}: use auto, cpu, cuda, cuda:N or mps")


