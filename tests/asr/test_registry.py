"""Loading: what happens before a model is loaded."""

from __future__ import annotations

import resource
import subprocess
import sys

CHECK = (
    "import sys\n"
    "from git_voice.asr.registry import check_address_space\n"
    "try:\n"
    "    check_address_space(sys.argv[1], 'tiny.en')\n"
    "except MemoryError as exc:\n"
    "    print(exc)\n"
    "    sys.exit(3)\n"
)


def _run(model_dir, limit: int | None) -> subprocess.CompletedProcess:
    def preexec() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run([sys.executable, "-c", CHECK, str(model_dir)], capture_output=True, text=True,
                          preexec_fn=preexec, timeout=120)


def test_a_model_too_big_for_the_address_space_limit_is_refused_before_loading(bundled_model):
    """Under ``ulimit -v`` too small for the model, loading stops with a MemoryError that
    says so, instead of OpenMP ending the process half-way; without a limit, or with room
    enough, nothing is refused."""
    tight = _run(bundled_model, 160 << 20)
    assert tight.returncode == 3, tight.stderr
    assert tight.stdout.startswith("out of memory: loading tiny.en needs about"), tight.stdout
    assert _run(bundled_model, None).returncode == 0
    roomy = _run(bundled_model, 4 << 30)
    assert roomy.returncode == 0, roomy.stdout + roomy.stderr
