"""One spoken walk-through of a series → an overview and a voice note per commit.

    ``git voice note split RANGE --audio WALK``          the commits' notes
    ``git voice format-patch RANGE --audio WALK --split``  the same, then the series:
                                                         overview in the cover letter,
                                                         each part after its patch's ``---``

The walk-through is transcribed once against the code terms of every commit of the
range; its sentences (timed from the transcript's segments) are assigned by
:mod:`git_voice.compose.split`; the author edits the split in the editor unless
``--no-edit``; then each commit gets its part as text and the matching stretches
of audio as its recording. Notes of all commits (and the series files) are written
all or nothing.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .. import ui
from ..audio.load import SAMPLE_RATE, Audio
from ..codeterms import terms as codeterms
from ..compose import split as splitter
from ..config import Settings
from ..errors import AudioError, ConfigError, GitError
from ..gitops import notes as gitnotes
from ..gitops.changes import ChangeRef
from ..gitops.repo import Repo
from ..types import Transcript
from .notes import note_text
from .transcribe import Request, candidates_of, load_all, transcribe_audio

_END = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Commit:
    sha: str
    subject: str
    paths: tuple[str, ...]
    candidates: tuple  # the change's code-term candidates, best first

    @property
    def terms(self) -> tuple[str, ...]:
        return tuple(c.term for c in self.candidates)


@dataclass
class Sentence:
    """A sentence of the walk-through: its text (code terms snapped), which take, and when."""

    text: str
    take: int
    start: float
    end: float


@dataclass
class Split:
    """What each commit gets: ``parts[k]`` are sentences (or edited lines) of commit ``k``."""

    commits: list[Commit]
    overview: list[str]
    parts: list[list[str]]
    sentences: list[Sentence]
    full_text: str

    def markers(self) -> list[tuple[str, str]]:
        return [(c.sha[:7], c.subject) for c in self.commits]

    def text(self) -> str:
        """The split as the author edits it (and as ``note split`` prints it)."""
        return splitter.render(self.overview, self.parts, self.markers())


# -- the series ---------------------------------------------------------------------------


def series_commits(repo: Repo, rev_range: str) -> list[Commit]:
    """The commits of ``rev_range`` as format-patch takes it (``A..B``, ``-N``, ``REV`` = REV..HEAD), oldest first, merges left out."""
    if ".." in rev_range:
        spec = ["--end-of-options", rev_range]
    elif re.fullmatch(r"-[0-9]+", rev_range):
        spec = [f"--max-count={rev_range[1:]}", "HEAD"]
    else:
        spec = [f"{repo.rev_parse(rev_range)}..HEAD"]
    try:
        shas = repo.out("rev-list", "--reverse", "--no-merges", *spec).split()
    except GitError as exc:
        raise GitError(f"cannot list the commits of {rev_range}: {exc}") from None
    commits = []
    for sha in shas:
        subject = repo.out("log", "-1", "--format=%s", sha)
        paths = tuple(repo.out("diff-tree", "--no-commit-id", "--name-only", "-r", "--root", "--no-renames", sha).splitlines())
        commits.append(Commit(sha, subject, paths, tuple(candidates_of(repo, ChangeRef.commit(sha)))))
    return commits


def _decoding_candidates(commits: Sequence[Commit]):
    """Every commit's best terms first, in turn, so no commit of a long series is left out of the 60."""
    lists = [c.candidates for c in commits]
    out, seen = [], set()
    for rank in range(max((len(x) for x in lists), default=0)):
        for cands in lists:
            if rank < len(cands) and cands[rank].term not in seen:
                seen.add(cands[rank].term)
                out.append(cands[rank])
    return out


# -- the walk-through's sentences, timed ----------------------------------------------------


def timed_sentences(transcripts: Sequence[Transcript], term_set: codeterms.TermSet, style: str) -> list[Sentence]:
    """The sentences of every take with their times, code terms snapped.

    A segment's sentences are timed in proportion to their length in characters;
    a sentence that runs on into the next segment is joined to it.
    """
    out: list[Sentence] = []
    for take, tr in enumerate(transcripts):
        pieces: list[Sentence] = []
        for seg in tr.segments:
            text = " ".join(seg.text.split())
            if not text:
                continue
            parts = [p for p in _END.split(text) if p.strip()]
            total = sum(len(p) for p in parts) or 1
            t = seg.start
            for p in parts:
                dt = (seg.end - seg.start) * len(p) / total
                if pieces and not re.search(r"[.!?]$", pieces[-1].text):
                    prev = pieces[-1]
                    pieces[-1] = Sentence(f"{prev.text} {p}", take, prev.start, t + dt)
                else:
                    pieces.append(Sentence(p, take, t, t + dt))
                t += dt
        for s in pieces:
            snapped, _ = codeterms.snap_text(s.text, term_set, style)
            out.append(Sentence(snapped.strip(), s.take, s.start, s.end))
    return [s for s in out if s.text]


def make_split(commits: list[Commit], sentences: list[Sentence]) -> Split:
    """The splitter's first proposal."""
    infos = [splitter.CommitInfo(c.subject, c.terms, c.paths) for c in commits]
    labels = splitter.assign([s.text for s in sentences], infos)
    overview = [s.text for s, k in zip(sentences, labels) if k == splitter.OVERVIEW]
    parts = [[s.text for s, k in zip(sentences, labels) if k == i] for i in range(len(commits))]
    return Split(commits, overview, parts, sentences, " ".join(s.text for s in sentences))


# -- the editor ---------------------------------------------------------------------------


def edit(repo: Repo, split: Split) -> Split | None:
    """Open the split in the user's editor (``git var GIT_EDITOR``); the edited split, or None to abort."""
    editor = repo.out("var", "GIT_EDITOR")
    path = repo.voice_dir / "SPLIT_EDITMSG"
    path.write_text(split.text(), "utf-8")
    if editor != ":":
        # As git runs it: through the shell, so "code --wait" and quoted paths work.
        rc = subprocess.run(["sh", "-c", f'{editor} "$@"', editor, str(path)], cwd=repo.cwd).returncode
        if rc != 0:
            raise ConfigError(f"the editor ({shlex.quote(editor)}) exited with status {rc}: nothing written")
    try:
        parsed = splitter.parse(path.read_text("utf-8"), split.markers())
    except splitter.SplitTextError as exc:
        raise ConfigError(f"cannot read the edited split ({exc}); it is kept in {path}: nothing written") from None
    if parsed is None:
        return None
    overview, parts = parsed
    return Split(split.commits, overview, parts, split.sentences, split.full_text)


# -- writing ------------------------------------------------------------------------------


def _part_audio(lines: Sequence[str], split: Split, audios: Sequence[Audio], dest: Path) -> Path | None:
    """The stretches of audio of ``lines`` (matched back to the spoken sentences), in order, as FLAC; None if none."""
    import numpy as np
    import soundfile as sf

    originals = [s.text for s in split.sentences]
    chunks = []
    for j in splitter.match_sentences(lines, originals):
        if j is not None:
            s = split.sentences[j]
            a = audios[s.take].samples
            chunks.append(a[int(s.start * SAMPLE_RATE): int(round(s.end * SAMPLE_RATE))])
    chunks = [c for c in chunks if len(c)]
    if not chunks:
        return None
    sf.write(str(dest), np.concatenate(chunks), SAMPLE_RATE, format="FLAC", subtype="PCM_16")
    return dest


def prepare_notes(repo: Repo, settings: Settings, split: Split, audios: Sequence[Audio], work: Path):
    """Build every commit's new notes (nothing moved yet): the plan for :func:`gitnotes.apply_batch`."""
    texts: dict[str, str] = {}
    recordings: dict[str, Path | None] = {}
    for k, (commit, lines) in enumerate(zip(split.commits, split.parts)):
        if not lines:
            continue
        texts[commit.sha] = note_text(" ".join(lines), settings)
        recordings[commit.sha] = _part_audio(lines, split, audios, work / f"part-{k + 1}.flac")
    if not texts:
        raise AudioError("no sentence of the walk-through went to a commit: no note to write")
    gitnotes.ensure_rewrite_refs(repo)
    return gitnotes.prepare_batch(repo, texts, recordings)


def transcribe_walk(repo: Repo, settings: Settings, paths: Sequence[Path], rev_range: str,
                    model: str | None, device: str | None) -> tuple[list[Commit], list[Sentence], list[Audio]]:
    """The series' commits, the walk-through's timed sentences and its decoded audio."""
    commits = series_commits(repo, rev_range)
    if len(commits) < 2:
        raise ConfigError(f"{rev_range} holds {len(commits)} commit(s): a split needs a series of two or more")
    audios = load_all(paths, settings)
    request = Request(settings=settings, model=model, device=device, hotwords=tuple(settings.hotwords),
                      candidates=_decoding_candidates(commits))
    transcripts = transcribe_audio(audios, request)
    term_set = codeterms.collect(request.hotwords, request.candidates)
    sentences = timed_sentences(transcripts, term_set, settings.code_style)
    if not sentences:
        raise AudioError("the recording holds no speech: nothing to write")
    return commits, sentences, audios


def split_notes(repo: Repo, settings: Settings, paths: Sequence[Path], rev_range: str, *, edit_split: bool = True,
                model: str | None = None, device: str | None = None, then=None) -> Split | None:
    """Split the walk-through and write every commit's note; ``then(split)`` runs after the notes
    are in place and, should it fail, they are put back as they were. The split written, or None (aborted)."""
    commits, sentences, audios = transcribe_walk(repo, settings, paths, rev_range, model, device)
    split = make_split(commits, sentences)
    if edit_split:
        split = edit(repo, split)
        if split is None:
            ui.warn("the split was emptied: nothing written")
            return None
    work_root = repo.voice_dir / "tmp"
    work_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="split-", dir=work_root) as tmp:
        plan = prepare_notes(repo, settings, split, audios, Path(tmp))
        gitnotes.apply_batch(repo, plan)
        try:
            if then is not None:
                then(split)
        except BaseException:
            gitnotes.undo_batch(repo, plan)
            raise
    return split
