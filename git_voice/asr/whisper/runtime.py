"""Where and how Whisper runs on this machine: CPU threads per window, the compute type
(quantisation, bfloat16), and the one patch of a private transformers method.

Read the module docstring of :mod:`.engine` for why each choice is made.
"""

from __future__ import annotations

import contextlib
import functools
import os
from types import SimpleNamespace
from typing import Any, Iterator

from ... import config


def cpu_has_bf16_matmul() -> bool:
    """True where oneDNN runs bfloat16 matrix products in hardware (AMX or AVX-512 BF16)."""
    import torch

    try:
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except Exception:  # an old or stripped build: no claim
        return False


# oneDNN instruction caps (ONEDNN_MAX_CPU_ISA) under which its bfloat16 kernels still run.
_BF16_ISAS = ("ALL", "DEFAULT", "AVX512_CORE_BF16", "AVX512_CORE_FP16", "AVX512_CORE_AMX", "AVX512_CORE_AMX_FP16",
              "AVX10_1_512", "AVX10_1_512_AMX", "AVX10_1_512_AMX_FP16", "AVX10_2_512", "AVX10_2_512_AMX_2")


def cpu_flags() -> set[str]:
    """The first CPU's flags from /proc/cpuinfo (empty where there is none: not Linux)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "flags":
                    return set(value.split())
    except OSError:
        pass
    return set()


def cpu_family() -> str:
    """The CPU family that decides the compute type: ``bf16``, ``avx512_vnni``, ``avx512``, ``avx2`` or ``other``.

    ``bf16``: bfloat16 matrix units (AMX or AVX-512 BF16) that oneDNN may use. The
    flags of /proc/cpuinfo are capped by what the kernels are allowed: torch's
    ATen capability (``ATEN_CPU_CAPABILITY``) and oneDNN's ``ONEDNN_MAX_CPU_ISA``,
    so a CPU told to act as an older one is treated as one (benchmarks/speed.py
    --isa emulates the families this way).
    """
    import torch

    flags = cpu_flags()
    capability = str(torch.backends.cpu.get_cpu_capability()).upper()
    if not capability.startswith("AVX512"):
        return "avx2" if capability.startswith("AVX2") else "other"
    cap = (config.env("ONEDNN_MAX_CPU_ISA") or "ALL").upper()
    if flags & {"amx_bf16", "avx512_bf16"} and cap in _BF16_ISAS and cpu_has_bf16_matmul():
        return "bf16"
    return "avx512_vnni" if "avx512_vnni" in flags else "avx512"


def compute_type_for(device: str, requested: str | None = None) -> str:
    """The compute type to run: one of ``config.COMPUTE_TYPES`` but ``auto``; ``native`` off CPU.

    ``requested`` defaults to ``GIT_VOICE_COMPUTE_TYPE`` (:func:`config.runtime`).
    int8 kernels (fbgemm/onednn dynamic quantisation) exist on CPU only; on a GPU
    the half-precision dtype chosen by :func:`resolve_device` is the fast path.
    ``auto`` is ``mixed`` on every CPU family: what ``mixed`` runs in each part
    depends on the family (:func:`apply_compute_type`).
    """
    req = config.check_choice("compute_type", requested) if requested else config.runtime().compute_type
    if device != "cpu":
        return "native"
    return "mixed" if req == "auto" else req


def idle_cpus(samples: int = 5, gap: float = 0.0002) -> int | None:
    """CPUs nobody else is running on right now (Linux: /proc/loadavg), or None where unknown.

    The fewest others seen over a few readings a fraction of a millisecond apart:
    a kernel thread that runs for a moment is not a process holding a core.
    """
    import time

    others = None
    for i in range(samples):
        if i:
            time.sleep(gap)
        try:
            with open("/proc/loadavg") as f:
                running = int(f.read().split()[3].split("/")[0])
        except (OSError, ValueError, IndexError):
            return None
        seen = max(0, running - _own_running_threads())
        others = seen if others is None else min(others, seen)
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return cpus - (others or 0)


def _own_running_threads() -> int:
    """This process's runnable threads: the caller, and torch's workers still spinning after a parallel loop."""
    count = 0
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return 1
    for tid in tasks:
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        count += state == "R"
    return max(1, count)


def threads_for_window(available: int, fixed: int | None = None, idle: int | None = None) -> int:
    """How many threads the next window runs on: ``available`` (torch's count) when the CPUs are idle.

    A decoder step is hundreds of small operations, each ending in a barrier
    across threads. With another process on the cores, a thread that is not
    scheduled stalls every barrier: on a 2-core machine with one core busy a 35 s
    recording took 27 s on two threads and 2.7 s on one (0.9 s on two, idle).
    So take no more threads than there are idle CPUs, and at least one.
    """
    if fixed:
        return max(1, fixed)
    if idle is None:
        return available
    return max(1, min(available, idle))


@contextlib.contextmanager
def window_threads(fixed: int | None) -> Iterator[None]:
    """torch's thread count set by :func:`threads_for_window` for one window, then put back."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(threads_for_window(threads, fixed, idle_cpus()))
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def quantize_linear_int8(model: Any) -> Any:
    """Swap every ``nn.Linear`` for a dynamic int8 one, in place; returns ``model``.

    Dynamic quantisation keeps activations in float and rescales per call, so no
    calibration data is needed. Weights get one scale per output row: one scale
    per matrix turned "wet with dew" into "wet with a dew" on the telephone
    recording. The output projection (51864 x 384, run once per decoded token) is
    included: it is the single largest matrix of tiny.en.
    """
    import warnings

    import torch

    with warnings.catch_warnings():
        # torch >= 2.10 points eager-mode users at torchao; the eager API still works.
        warnings.simplefilter("ignore")
        spec = {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig}
        return torch.ao.quantization.quantize_dynamic(model, spec, inplace=True)


def quantize_rows_int8(linear: Any, rows: int = 4096) -> Any:
    """A dynamic int8 copy of ``linear`` (a linear layer, or a weight matrix alone) made a
    block of rows at a time, whatever its weight's dtype.

    The same weights as :func:`quantize_linear_int8` gives (its observer sets one
    scale per output row from that row alone, so blocks do not change them;
    tested equal), without a float32 copy of the whole matrix: the output
    projection of :mod:`.plain` is the float16 token embedding itself.
    """
    import warnings

    import torch

    spec = torch.ao.quantization.per_channel_dynamic_qconfig
    if isinstance(linear, torch.Tensor):
        linear = SimpleNamespace(weight=linear, bias=None)
    weight = linear.weight.detach()
    values = torch.empty(weight.shape, dtype=torch.int8)
    scales, zeros = [], []
    for first in range(0, weight.shape[0], rows):
        block = weight[first : first + rows].to(torch.float32)
        observer = spec.weight()
        observer(block)
        scale, zero = observer.calculate_qparams()
        scale, zero = scale.to(torch.float64), zero.to(torch.int64)
        with warnings.catch_warnings():  # torch >= 2.10 points at torchao; these functions still work
            warnings.simplefilter("ignore")
            values[first : first + rows] = torch.quantize_per_channel(block, scale, zero, 0, torch.qint8).int_repr()
        scales.append(scale)
        zeros.append(zero)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        qweight = torch._make_per_channel_quantized_tensor(values, torch.cat(scales), torch.cat(zeros), 0)
        del values
        out = torch.ao.nn.quantized.dynamic.Linear(weight.shape[1], weight.shape[0], bias_=linear.bias is not None, dtype=torch.qint8)
        bias = linear.bias.detach().to(torch.float32) if linear.bias is not None else None
        out.set_weight_bias(qweight, bias)
    return out


def float32_linear(linear: Any) -> Any:
    """``linear`` with a float32 weight (a copy where the weight is kept in another dtype)."""
    import torch

    if linear.weight.dtype == torch.float32:
        return linear
    out = torch.nn.Linear.__new__(torch.nn.Linear)  # not nn.Linear(): no initialisation, no meta tensors
    torch.nn.Module.__init__(out)
    out.in_features, out.out_features = linear.in_features, linear.out_features
    out.weight = torch.nn.Parameter(linear.weight.detach().to(torch.float32), requires_grad=False)
    bias = linear.bias
    out.register_parameter("bias", None if bias is None else torch.nn.Parameter(bias.detach().to(torch.float32), requires_grad=False))
    return out


def int8_layers(compute_type: str, family: str | None = None) -> Any:
    """Which linear layers (by name: ``proj_out``, ``model.encoder.layers.0.fc1``, ...)
    ``compute_type`` runs in dynamic int8 on this CPU family; see :func:`apply_compute_type`."""
    if compute_type == "int8":
        return lambda prefix: True
    if compute_type != "mixed":
        return lambda prefix: False
    encoder = (family or cpu_family()) != "bf16"
    return lambda prefix: prefix == "proj_out" or (encoder and prefix.startswith("model.encoder."))


def apply_compute_type(model: Any, compute_type: str, family: str | None = None) -> Any:
    """Quantise or wrap ``model`` in place for ``compute_type``; the cross-attention dtype.

    - ``float32``: as loaded (an output projection kept in float16 gets its float32 copy).
    - ``int8``: every linear layer dynamic int8 (as CTranslate2's int8).
    - ``mixed``: the output projection int8 and the decoder's layers float32
      everywhere; the encoder by CPU family (``family``, default :func:`cpu_family`):
      under bfloat16 autocast (its linear and convolution weights stored in
      bfloat16, the values autocast would cast them to), with the
      cross-attention keys and values in bfloat16, where the CPU has bfloat16
      matrix units; else its linear layers
      dynamic int8 (about twice float32's speed with AVX2 or AVX-512 VNNI, and the
      shared recordings keep their words: the encoder's error does not build up
      step after step as the decoder's does).
    """
    import torch

    if compute_type == "float32":
        model.proj_out = float32_linear(model.proj_out)
    elif compute_type == "int8":
        if isinstance(model.proj_out, torch.nn.Linear):  # else made int8 while loading (plain.load)
            model.proj_out = quantize_rows_int8(model.proj_out)
        quantize_linear_int8(model)
    elif compute_type == "mixed":
        if isinstance(model.proj_out, torch.nn.Linear):
            model.proj_out = quantize_rows_int8(model.proj_out)
        encoder = model.model.encoder
        if (family or cpu_family()) != "bf16":
            quantize_linear_int8(encoder)
            return None
        # Autocast would cast the weights to bfloat16 on every call (and hold the copies
        # through it): cast them once. The layer norms stay float32, as autocast runs them.
        for name, module in encoder.named_modules():
            if isinstance(module, torch.nn.Linear) or name in ("conv1", "conv2"):
                for key, param in list(module.named_parameters(recurse=False)):
                    setattr(module, key, torch.nn.Parameter(param.detach().to(torch.bfloat16), requires_grad=False))
        plain = encoder.forward

        def forward(*args: Any, **kwargs: Any) -> Any:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                out = plain(*args, **kwargs)
            out.last_hidden_state = out.last_hidden_state.to(torch.float32)
            return out

        encoder.forward = forward
        return torch.bfloat16
    return None


# Allocations at least this large are mapped on their own and unmapped when freed.
MMAP_THRESHOLD = 1 << 20


def fix_mmap_threshold(size: int = MMAP_THRESHOLD) -> bool:
    """Have glibc map allocations of ``size`` bytes or more on their own, for good (``mallopt``).

    glibc's threshold starts at 128 KiB and, each time such a block is freed,
    rises to its size (up to 32 MiB): after the first few encoder activations
    are freed, later ones of a few MB come from the heap, whose freed pieces
    stay resident in scattered holes. Over the five files of
    ``benchmarks/speed.py`` that grew the peak by 60 to 80 MB past what was ever
    live at once. A fixed threshold hands such blocks back on free. Left
    alone where ``MALLOC_MMAP_THRESHOLD_`` is set (the user chose) or the C
    library is not glibc. Returns whether it was set.
    """
    if "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    libc = _glibc()
    return bool(libc.mallopt(-3, int(size))) if libc is not None else False  # M_MMAP_THRESHOLD


def release_freed_memory() -> None:
    """Hand memory freed since loading back to the system (glibc's ``malloc_trim``; elsewhere nothing).

    Quantising replaces float32 weights (the encoder's, with ``mixed`` on a CPU
    without bfloat16 units; every layer's with ``int8``), and decoding leaves
    free pieces between live blocks of the heap; the allocator keeps what they
    held unless asked to return it.
    """
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@functools.cache
def _glibc() -> Any:
    """The C library's handle where it is glibc (``mallopt`` and ``malloc_trim``), else None."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt, libc.malloc_trim  # noqa: B018 (glibc's own)
    except (OSError, AttributeError):  # not glibc
        return None
    return libc


def speed_up_generate(model: Any, bias: Any) -> None:
    """Swap ``model.generate``'s suppress-tokens processor for one adding ``bias``, a precomputed mask.

    transformers' ``SuppressTokensLogitsProcessor`` rebuilds a vocabulary-wide
    mask with ``torch.isin`` on every step (over a third of a note's time when
    profiled); this one adds the same -inf once computed, at the same place in
    the list, so the scores are identical.
    """
    from transformers.generation.logits_process import SuppressTokensLogitsProcessor

    original = model._retrieve_logit_processors

    class PrecomputedSuppress(SuppressTokensLogitsProcessor):
        def __init__(self, inner: Any) -> None:
            self.suppress_tokens = inner.suppress_tokens

        def __call__(self, input_ids: Any, scores: Any) -> Any:
            return scores + bias.to(device=scores.device, dtype=scores.dtype)

    def retrieve(*args: Any, **kwargs: Any) -> Any:
        procs = original(*args, **kwargs)
        if procs is None:
            return procs
        return [PrecomputedSuppress(p) if type(p) is SuppressTokensLogitsProcessor else p for p in procs]

    model._retrieve_logit_processors = retrieve
