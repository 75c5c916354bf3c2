"""Takes: recordings kept under ``.git/voice/`` (never the working tree, user-only).

``.git/voice/takes/``    every recorded take, named by time
``.git/voice/pending/``  takes waiting for the next commit or format-patch
                         (``git voice record --pending``, ``git voice note stage FILE``)
``.git/voice/used/``     pending takes moved here once a commit or series used them
``.git/voice/claims/ID/`` pending takes one commit has claimed (moved here by one
                         atomic rename each, so two commits at once never share a
                         take), with ``claim.json``: who claimed them (the ``git
                         commit`` process), for which parent and tree, and the
                         transcript. The claim ends in ``used/`` when the commit is
                         made and back in ``pending/`` when it is not (aborted,
                         ``--dry-run``, killed): see :func:`recover_stale_claims`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AudioError
from ..util import atomic_write
from .repo import Repo

AUDIO_SUFFIXES = {".flac", ".wav", ".ogg", ".mp3", ".oga", ".opus"}


def _dir(repo: Repo, name: str) -> Path:
    from .repo import private_dir

    return private_dir(repo.voice_dir / name)


def takes_dir(repo: Repo) -> Path:
    return _dir(repo, "takes")


def pending_dir(repo: Repo) -> Path:
    return _dir(repo, "pending")


def new_take_path(repo: Repo, pending: bool = False, suffix: str = ".flac") -> Path:
    """A fresh, unused file name for a take (``take-YYYYmmdd-HHMMSS[-N].flac``)."""
    d = pending_dir(repo) if pending else takes_dir(repo)
    stem = time.strftime("take-%Y%m%d-%H%M%S")
    path, n = d / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = d / f"{stem}-{n}{suffix}"
    return path


def pending_takes(repo: Repo) -> list[Path]:
    """Pending takes, oldest first (the order they were spoken in); takes of commits that
    were never made (:func:`recover_stale_claims`) are pending again first."""
    recover_stale_claims(repo)
    d = repo.voice_dir / "pending"
    if not d.is_dir():
        return []
    found = []
    for p in d.iterdir():
        if p.suffix.lower() not in AUDIO_SUFFIXES:
            continue
        try:
            st = p.stat()
        except FileNotFoundError:
            continue  # claimed by another commit meanwhile
        if stat.S_ISREG(st.st_mode):
            found.append((st.st_mtime, p.name, p))
    return [p for _, _, p in sorted(found)]


def stage(repo: Repo, source: str | os.PathLike[str]) -> Path:
    """Copy an audio file into the pending takes (the caller checked that it decodes: see
    ``app.takes.stage_take``); its path there (never over another take)."""
    src = Path(source)
    suffix = src.suffix.lower()
    if suffix not in AUDIO_SUFFIXES:  # pending takes are found by their suffix
        suffix = ".flac" if _is_flac(src) else ".wav"
    dest = new_take_path(repo, pending=True, suffix=suffix)
    # Written under a hidden name, then moved to a free name: a take staged in the same
    # second by another process keeps its own file.
    hidden = atomic_write(dest.with_name(f".{uuid.uuid4().hex}{suffix}.tmp"), src.read_bytes(), mode=0o600)
    try:
        return move_to_free_name(hidden, dest.parent, dest.name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            hidden.unlink()


def move_to_free_name(src: Path, folder: Path, name: str | None = None) -> Path:
    """Move ``src`` into ``folder`` as ``name`` (its own name by default) or, where a file
    has that name, ``STEM-2.SUFFIX``, ``STEM-3.SUFFIX``...: never over another file.

    The new name is made by a hard link, which fails where the name exists (where links
    are not supported, the name is reserved with ``O_EXCL`` and the file renamed onto
    it), then ``src`` goes. Raises :class:`FileNotFoundError` when ``src`` was gone (or
    went meanwhile, moved by another process: then nothing is left under the new name).
    """
    name = name or src.name
    stem, suffix = (name[: -len(Path(name).suffix)], Path(name).suffix) if Path(name).suffix else (name, "")
    n = 1
    while True:
        dest = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
        n += 1
        try:
            os.link(src, dest, follow_symlinks=False)
        except FileExistsError:
            continue
        except FileNotFoundError:
            raise
        except OSError:  # no hard links here (a file system without them)
            try:
                os.close(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            except FileExistsError:
                continue
            try:
                os.replace(src, dest)
            except FileNotFoundError:
                dest.unlink(missing_ok=True)
                raise
            return dest
        try:
            os.unlink(src)
        except FileNotFoundError:  # another process moved it first: the take is theirs
            dest.unlink(missing_ok=True)
            raise
        return dest


def _is_flac(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"fLaC"


def unstage(repo: Repo, name: str | None = None) -> list[Path]:
    """Take pending takes (all, or the one called ``name``) off the next commit; they are kept in
    ``takes/``, under a free name where another take has theirs (``NAME-2``). Returns where they
    went; raises :class:`AudioError` for an unknown name."""
    pending = pending_takes(repo)
    chosen = [p for p in pending if name is None or p.name == name]
    if name is not None and not chosen:
        raise AudioError(f"no pending take called {name} (pending: {', '.join(p.name for p in pending) or 'none'})")
    moved = []
    for take in chosen:
        try:
            moved.append(move_to_free_name(take, takes_dir(repo)))
        except FileNotFoundError:
            continue  # a commit claimed it meanwhile
    return moved


def mark_used(repo: Repo, takes: list[Path]) -> list[Path]:
    """Move consumed pending takes to ``used/`` (kept, in case the user wants them back; under a
    free name where an earlier take has theirs); where they went."""
    used = _dir(repo, "used")
    moved = []
    for take in takes:
        try:
            moved.append(move_to_free_name(take, used))
        except FileNotFoundError:
            continue  # gone already (another commit settled it)
    return moved


# -- claims: one take, one commit -------------------------------------------------------

CLAIMS = "claims"
CLAIM_FILE = "claim.json"


@dataclass(frozen=True)
class Owner:
    """A process, by id and start time (a recycled process id is not the same owner)."""

    pid: int
    start: str | None

    @classmethod
    def of(cls, pid: int) -> "Owner":
        return cls(pid, _start_time(pid))

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return self.start is None or _start_time(self.pid) in (None, self.start)


def _stat_fields(pid: int) -> list[str] | None:
    """``/proc/PID/stat`` after the command name (state is first), or None off Linux."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw.rsplit(")", 1)[1].split()


def _start_time(pid: int) -> str | None:
    f = _stat_fields(pid)
    return f[19] if f and len(f) > 19 else None


def git_process() -> Owner | None:
    """The ``git`` process running this hook: ``$GIT_VOICE_GIT_PID`` (our hook scripts pass
    their parent), else the nearest ancestor named git (the pre-commit framework's chain)."""
    explicit = os.environ.get("GIT_VOICE_GIT_PID", "")  # config.ENVIRONMENT lists it (gitops is below config)
    if explicit.isdigit():
        return Owner.of(int(explicit))
    pid = os.getppid()
    for _ in range(8):
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            return None
        if name == "git":
            return Owner.of(pid)
        f = _stat_fields(pid)
        if not f:
            return None
        pid = int(f[1])
        if pid <= 1:
            return None
    return None


@dataclass
class Claim:
    """Takes one commit has claimed: ``dir`` holds them and ``claim.json`` (``info``)."""

    dir: Path
    takes: list[Path]
    info: dict = field(default_factory=dict)

    def save(self) -> None:
        tmp = self.dir / (CLAIM_FILE + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self.info, fh)
        os.replace(tmp, self.dir / CLAIM_FILE)

    @property
    def owner(self) -> Owner | None:
        o = self.info.get("owner")
        return Owner(int(o["pid"]), o.get("start")) if o else None


def claim_pending(repo: Repo, owner: Owner | None, **info) -> Claim | None:
    """Claim every pending take for one commit, each by an atomic rename; None when none was left.

    Stale claims (their commit was not made and its process is gone) go back to
    pending first, so an aborted commit's take is there for the retry.
    """
    pending = pending_takes(repo)
    if not pending:
        return None
    root = _dir(repo, CLAIMS)
    name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    # Built under a hidden name and renamed into place with its claim.json: another
    # commit's recovery never sees a claim folder that does not yet say whose it is.
    building = root / f".{name}"
    building.mkdir(mode=0o700)
    claim = Claim(building, [], dict(info, owner={"pid": owner.pid, "start": owner.start} if owner else None,
                                     created=time.time()))
    claim.save()
    cdir = root / name
    os.rename(building, cdir)
    claim.dir = cdir
    for take in pending:
        try:
            os.rename(take, cdir / take.name)  # atomic: a take lands in one claim only
        except FileNotFoundError:
            continue  # another commit claimed it first
        claim.takes.append(cdir / take.name)
    if not claim.takes:
        shutil.rmtree(cdir, ignore_errors=True)
        return None
    claim.info["takes"] = [p.name for p in claim.takes]
    claim.save()
    return claim


def claims(repo: Repo) -> list[Claim]:
    """Every claim in progress, oldest first."""
    d = repo.voice_dir / CLAIMS
    out = []
    for cdir in sorted(d.iterdir()) if d.is_dir() else []:
        if cdir.name.startswith("."):
            continue  # a claim being built (claim_pending), or a left-over of one killed then
        try:
            info = json.loads((cdir / CLAIM_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            info = {}
        try:
            takes = sorted(p for p in cdir.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
            info = info or {"created": cdir.stat().st_mtime}  # unreadable: its age is all that is known
        except OSError:
            continue  # settled by another commit meanwhile (or not a claim folder at all)
        out.append(Claim(cdir, takes, info))
    return out


def claims_of(repo: Repo, owner: Owner | None) -> list[Claim]:
    """The claims ``owner`` (a ``git commit`` process) made."""
    if owner is None:
        return []
    return [c for c in claims(repo) if c.owner is not None and c.owner.pid == owner.pid
            and (c.owner.start is None or owner.start is None or c.owner.start == owner.start)]


def release(repo: Repo, claim: Claim) -> None:
    """The commit was not made: its takes go back to pending, as they were (a take staged
    meanwhile under the same name keeps it; this one gets a free name)."""
    pending = pending_dir(repo)
    for take in claim.takes:
        with contextlib.suppress(FileNotFoundError):  # another commit settled it meanwhile
            move_to_free_name(take, pending)
    shutil.rmtree(claim.dir, ignore_errors=True)


def consume(repo: Repo, claim: Claim) -> list[Path]:
    """The commit was made: its takes move to ``used/``; where they went."""
    moved = mark_used(repo, claim.takes)
    shutil.rmtree(claim.dir, ignore_errors=True)
    return moved


def recover_stale_claims(repo: Repo) -> None:
    """Settle claims whose process is gone: used when their commit was made, else pending again."""
    root = repo.voice_dir / CLAIMS
    for building in root.glob(".*") if root.is_dir() else []:
        with contextlib.suppress(OSError):  # killed while building: it holds no take yet
            if time.time() - building.stat().st_mtime > 600:
                shutil.rmtree(building)
    for claim in claims(repo):
        if not claim.dir.is_dir():
            continue
        owner = claim.owner
        if owner is not None and owner.alive():
            continue
        if owner is None and time.time() - float(claim.info.get("created", 0)) < 600:
            continue  # whose it is is unknown: leave a recent one to its commit
        if _was_committed(claim):
            consume(repo, claim)
        else:
            release(repo, claim)


def _was_committed(claim: Claim) -> bool:
    """Whether the claimed commit was made: an entry of its worktree's HEAD reflog has the
    claimed tree on the claimed parent (a commit whose post-commit hook did not run)."""
    from .repo import run_git

    tree, parent, cwd = claim.info.get("tree"), claim.info.get("parent", ""), claim.info.get("cwd")
    if not claim.info.get("text"):
        return False  # nothing was made from it yet (killed while transcribing)
    if not tree or not cwd or not Path(cwd).is_dir():
        return False
    proc = run_git(["log", "-g", "-n", "50", "--format=%T %P", "HEAD", "--"], cwd=cwd, check=False)
    for line in proc.stdout.splitlines() if proc.returncode == 0 else []:
        fields = line.split()
        if fields and fields[0] == tree and (fields[1:2] or [""])[0] == parent:
            return True
    return False


JOINED = "recording.joined"
