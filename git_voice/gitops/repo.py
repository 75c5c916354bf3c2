"""The one place git-voice runs git.

Every command goes through :func:`run_git`: ``git --no-pager`` with the working
directory explicit and the hook-time ``GIT_*`` variables handled (see
:func:`clean_env`). Callers decide what a non-zero exit means.
"""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Mapping, Sequence

from ..errors import GitError

# Variables git exports while it runs hooks. A hook that runs git in *another*
# repository must drop them, or that git operates on the outer repository
# (pre-commit learnt this the hard way: pre-commit/pre-commit#300).
_REPO_LOCAL_VARS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_PREFIX",
    "GIT_COMMON_DIR",
)


# What ``git --git-dir=DIR --work-tree=TREE voice ...`` hands git-voice, as given: relative
# to where the user is, while git-voice runs git from the top folder.
_PATH_VARS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR")


def absolute_git_env(environ: dict[str, str] | None = None) -> None:
    """Make the repository-pinning variables that hold a relative path absolute (from the
    current directory), so every git that git-voice runs finds the same repository."""
    env = os.environ if environ is None else environ
    for name in _PATH_VARS:
        value = env.get(name)
        if value and not os.path.isabs(value):
            env[name] = os.path.abspath(value)


def clean_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment minus the repository-pinning GIT_* variables."""
    env = dict(os.environ if base is None else base)
    for name in _REPO_LOCAL_VARS:
        env.pop(name, None)
    return env


def run_git(
    args: Sequence[str],
    cwd: str | os.PathLike[str] | None = None,
    *,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    text: bool = True,
) -> subprocess.CompletedProcess:
    """Run ``git --no-pager ARGS`` in ``cwd`` and return the completed process.

    With ``check`` a non-zero exit raises :class:`GitError` carrying git's own
    first line of stderr.
    """
    # core.quotePath=false: paths with non-ASCII letters reach code terms and scopes as
    # written ("fïle.py"), not in git's octal-quoted form ("f\303\257le.py").
    cmd = ["git", "--no-pager", "-c", "core.quotePath=false", *args]
    try:
        proc = subprocess.run(
            cmd,
            cwd=cwd,
            input=input,
            env=dict(env) if env is not None else None,
            capture_output=True,
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed or not on PATH") from exc
    if text:
        proc.stdout = proc.stdout.decode("utf-8", "surrogateescape")
        proc.stderr = proc.stderr.decode("utf-8", "replace")
    if check and proc.returncode != 0:
        err = proc.stderr if text else proc.stderr.decode("utf-8", "replace")
        lines = [ln for ln in err.strip().splitlines() if ln.strip()]
        # git prints its "fatal:" line first and usage hints after it (git 2.39 rev-parse).
        fatal = [ln for ln in lines if ln.startswith(("fatal:", "error:"))]
        detail = (fatal or lines or [_status(proc.returncode)])[0 if fatal else -1]
        raise GitError(f"git {args[0] if args else ''} failed: {detail.removeprefix('fatal: ').removeprefix('error: ')}")
    return proc


def _status(returncode: int) -> str:
    """``exit status N``, or the signal that killed git (SIGXFSZ: a file size limit or full disk)."""
    if returncode >= 0:
        return f"exit status {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = f"signal {-returncode}"
    return f"killed by {name}" + (" (file size limit reached)" if name == "SIGXFSZ" else "")


def config_get_all(prefix: str, cwd: str | os.PathLike[str] | None = None) -> dict[str, list[str]]:
    """All config entries under ``prefix`` (e.g. ``voice``), names lower-cased as git prints them.

    Works inside and outside a repository. Values keep git's order (last wins for
    single-valued settings, all count for multi-valued ones such as ``voice.hotwords``).
    """
    proc = run_git(["config", "--null", "--get-regexp", rf"^{prefix}\."], cwd=cwd, check=False)
    out: dict[str, list[str]] = {}
    if proc.returncode not in (0, 1):  # 1: nothing matched
        return out
    for record in proc.stdout.split("\0"):
        if not record:
            continue
        name, _, value = record.partition("\n")
        out.setdefault(name.lower(), []).append(value)
    return out


def private_dir(path: Path) -> Path:
    """``path`` made if missing, user-only (0700) whatever the umask (``mkdir``'s mode is
    masked by it, and a folder made earlier under a loose umask is tightened); returns it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


@dataclass(frozen=True)
class Repo:
    """A git repository found from a directory (worktrees and bare repositories too)."""

    root: Path | None  # None for a bare repository
    git_dir: Path
    common_dir: Path

    @classmethod
    def discover(cls, start: str | os.PathLike[str] | None = None) -> "Repo":
        start = Path(start or os.getcwd())
        proc = run_git(
            ["rev-parse", "--is-bare-repository", "--absolute-git-dir", "--git-common-dir", "--show-toplevel"],
            cwd=start,
            check=False,
        )
        if proc.returncode != 0:
            # --show-toplevel fails in a bare repository: ask again without it.
            proc = run_git(
                ["rev-parse", "--is-bare-repository", "--absolute-git-dir", "--git-common-dir"],
                cwd=start,
                check=False,
            )
            if proc.returncode != 0:
                raise GitError(f"not a git repository: {start}")
        lines = proc.stdout.splitlines()
        bare = lines[0] == "true"
        git_dir = Path(lines[1])
        common = Path(lines[2])
        if not common.is_absolute():
            common = (start / common).resolve()
        root = Path(lines[3]) if not bare and len(lines) > 3 else None
        return cls(root=root, git_dir=git_dir, common_dir=common)

    @property
    def cwd(self) -> Path:
        return self.root or self.git_dir

    def git(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return run_git(args, cwd=self.cwd, **kwargs)

    def git_passthrough(self, *args: str, cwd: str | os.PathLike[str] | None = None) -> int:
        """Run ``git --no-pager ARGS`` (in ``cwd``, else the top folder) with the terminal
        inherited (editor, hooks' output); its exit status."""
        try:
            return subprocess.run(["git", "--no-pager", *args], cwd=cwd or self.cwd).returncode
        except FileNotFoundError as exc:
            raise GitError("git is not installed or not on PATH") from exc

    def out(self, *args: str, **kwargs) -> str:
        """stdout of a git command that must succeed, trailing newline removed."""
        return run_git(args, cwd=self.cwd, **kwargs).stdout.rstrip("\n")

    def git_path(self, name: str) -> Path:
        """``git rev-parse --git-path NAME``: honours core.hooksPath, worktrees, ..."""
        p = Path(self.out("rev-parse", "--git-path", name))
        return p if p.is_absolute() else (self.cwd / p).resolve()

    @cached_property
    def voice_dir(self) -> Path:
        """``.git/voice`` of the main repository (shared by its worktrees), user-only."""
        return private_dir(self.common_dir / "voice")

    def voice_tmp(self) -> Path:
        """``.git/voice/tmp``: git-voice's private scratch folder (user-only), made on first use."""
        return private_dir(self.voice_dir / "tmp")

    def rev_parse(self, rev: str) -> str:
        """The commit ``rev`` names (a tag peeled). Resolved first, then peeled: a suffix on
        the text would be read as part of a ``:/message`` search."""
        proc = self.git("rev-parse", "--verify", "--quiet", "--end-of-options", rev, check=False)
        if proc.returncode == 0:
            proc = self.git("rev-parse", "--verify", "--quiet", proc.stdout.strip() + "^{commit}", check=False)
        if proc.returncode != 0:
            raise GitError(f"unknown revision: {rev}")
        return proc.stdout.strip()
