"""``git format-patch`` with the spoken note in the cover letter.

git writes ``*** SUBJECT HERE ***`` and ``*** BLURB HERE ***`` into the cover
letter (git 2.39) and ``git send-email`` refuses to send a file still holding them.
Here the real ``git format-patch --cover-letter`` runs with the user's own
arguments into a temporary folder, the placeholders are replaced, and the files
move into place only once all of them are right: no half-written series.

Headers are edited with Python's ``email`` package (an RFC 2047 encoded subject
when the note is not ASCII, a UTF-8 charset for the body); the rest of each file,
diffs included, is kept byte for byte.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from email.header import Header
from pathlib import Path
from typing import Sequence

from ..errors import ConfigError, GitError
from ..util import mbox_safe
from . import notes
from .repo import Repo, run_git

SUBJECT_PLACEHOLDER = "*** SUBJECT HERE ***"
BLURB_PLACEHOLDER = b"*** BLURB HERE ***"
_OUTPUT_OPTS = ("-o", "--output-directory")
_UNSUPPORTED = ("--stdout",)


@dataclass
class Series:
    """What :func:`format_series` wrote: the files (cover letter first, if any)."""

    files: list[Path]
    cover_letter: Path | None


# -- one message: header fields edited, body kept as bytes -------------------------------


@dataclass
class _Mail:
    unixfrom: bytes  # git's "From <sha> Mon Sep 17 00:00:00 2001" line, or b""
    fields: list[bytes]  # each header field with its continuation lines, newline included
    body: bytes

    @classmethod
    def parse(cls, raw: bytes) -> "_Mail":
        head, sep, body = raw.partition(b"\n\n")
        if not sep:
            raise GitError("git format-patch wrote a file that is not an email")
        lines = head.split(b"\n")
        unixfrom = lines.pop(0) + b"\n" if lines and lines[0].startswith(b"From ") else b""
        fields: list[bytes] = []
        for line in lines:
            if line[:1] in (b" ", b"\t") and fields:
                fields[-1] += line + b"\n"
            else:
                fields.append(line + b"\n")
        return cls(unixfrom, fields, body)

    def bytes(self) -> bytes:
        return self.unixfrom + b"".join(self.fields) + b"\n" + self.body

    def _index(self, name: str) -> int | None:
        key = name.lower().encode() + b":"
        for i, f in enumerate(self.fields):
            if f.lower().startswith(key):
                return i
        return None

    def get(self, name: str) -> str | None:
        """A header's decoded value (RFC 2047 words decoded, folding undone)."""
        i = self._index(name)
        if i is None:
            return None
        msg = email.message_from_bytes(self.fields[i] + b"\n", policy=email.policy.default)
        return str(msg[name])

    def set(self, name: str, value: str | Header) -> None:
        """Replace (or append) header ``name``; a str must be ASCII, a Header encodes itself."""
        encoded = value.encode(maxlinelen=78, linesep="\n") if isinstance(value, Header) else value
        field = f"{name}: {encoded}\n".encode("ascii")
        i = self._index(name)
        if i is None:
            self.fields.append(field)
        else:
            self.fields[i] = field

    def ensure_utf8(self) -> None:
        """Declare UTF-8 8bit text where the note goes (git does the same for a non-ASCII
        commit message): the message itself or, for a ``--attach``/``--inline`` patch, the
        text part that holds the commit message; the multipart header stays as git wrote it."""
        ctype = self.get("Content-Type")
        if ctype and _content_type(ctype).get_content_maintype() == "multipart":
            self._text_part_utf8(_content_type(ctype).get_boundary())
            return
        _check_utf8(ctype, self.get("Content-Transfer-Encoding"))
        self.set("MIME-Version", "1.0")
        self.set("Content-Type", "text/plain; charset=UTF-8")
        self.set("Content-Transfer-Encoding", "8bit")

    def _text_part_utf8(self, boundary: str | None) -> None:
        """Declare UTF-8 8bit text in the first part of a multipart body (git's text part:
        the commit message, ``---``, the diffstat; the patch itself is the next part)."""
        lines = self.body.split(b"\n")
        delimiter = b"--" + (boundary or "").encode("ascii", "replace")
        starts = [i for i, ln in enumerate(lines) if boundary and ln.rstrip(b" \t\r") == delimiter]
        if not starts:
            raise GitError("git format-patch wrote a multipart patch without its first part")
        head_at = starts[0] + 1
        end = lines.index(b"", head_at) if b"" in lines[head_at:] else len(lines)
        part = _Mail(b"", [], b"")
        for line in lines[head_at:end]:
            if line[:1] in (b" ", b"\t") and part.fields:
                part.fields[-1] += line + b"\n"
            else:
                part.fields.append(line + b"\n")
        ctype = part.get("Content-Type")
        _check_utf8(ctype, part.get("Content-Transfer-Encoding"))
        if _content_type(ctype or "text/plain").get_content_charset() != "utf-8":
            m = _content_type(ctype or "text/plain")
            m.set_param("charset", "UTF-8")
            part.set("Content-Type", m["Content-Type"])
        if (part.get("Content-Transfer-Encoding") or "").strip().lower() != "8bit":
            part.set("Content-Transfer-Encoding", "8bit")
        head = b"".join(part.fields).rstrip(b"\n").split(b"\n")
        self.body = b"\n".join(lines[:head_at] + head + lines[end:])


def _content_type(value: str) -> email.message.Message:
    m = email.message.Message()
    m["Content-Type"] = value
    return m


def _check_utf8(ctype: str | None, cte: str | None) -> None:
    """Refuse to add UTF-8 text to a part that says it is something else."""
    if ctype:
        m = _content_type(ctype)
        if m.get_content_type() != "text/plain":
            raise GitError(f"cannot add a note to a patch part of type {m.get_content_type()}")
        charset = m.get_content_charset()
        if charset and charset not in ("utf-8", "us-ascii"):
            raise GitError(f"cannot add a UTF-8 note to a patch encoded as {charset} (i18n.commitEncoding)")
    if cte and cte.strip().lower() not in ("7bit", "8bit"):
        raise GitError(f"cannot add a note to a patch in {cte.strip()} transfer encoding")


def encode_subject(text: str) -> Header:
    """``[PATCH 0/3] Summary`` as a header: the ASCII prefix kept readable, the rest RFC 2047 if needed."""
    m = re.match(r"^(\[[^\]]*\]\s*)?(.*)$", text, re.S)
    prefix, rest = (m.group(1) or "").strip(), m.group(2)
    h = Header(header_name="Subject")
    if prefix:
        h.append(prefix, "us-ascii")
    if rest:
        h.append(rest, "us-ascii" if rest.isascii() else "utf-8")
    return h


def _no_placeholders(text: str) -> str:
    """``text`` with git's cover-letter placeholders unstarred ("SUBJECT HERE" stays readable)."""
    for placeholder in (SUBJECT_PLACEHOLDER, BLURB_PLACEHOLDER.decode()):
        text = text.replace(placeholder, placeholder.strip("* "))
    return text


def fill_cover_letter(raw: bytes, subject: str, blurb: str) -> bytes:
    """git's cover letter with the placeholders replaced by ``subject`` and ``blurb``.

    A subject git took from the branch description (``--cover-from-description``)
    is kept; without a blurb placeholder the note goes above the description.
    Shortlog, diffstat, range-diff, interdiff and base-commit stay as git wrote them.
    """
    # git send-email refuses a cover letter still holding either placeholder: a note
    # that says them aloud must not make the series unsendable.
    subject, blurb = (_no_placeholders(t) for t in (subject, blurb))
    # An mbox reader (Python's mailbox, b4) starts a new message at a line "From ...";
    # git escapes no line of a cover letter, so none may start that way.
    blurb = mbox_safe(blurb)
    mail = _Mail.parse(raw)
    current = mail.get("Subject") or ""
    if SUBJECT_PLACEHOLDER in current:
        mail.set("Subject", encode_subject(current.replace(SUBJECT_PLACEHOLDER, subject)))
    text = blurb.strip("\n").encode("utf-8")
    if BLURB_PLACEHOLDER in mail.body:
        mail.body = mail.body.replace(BLURB_PLACEHOLDER, text, 1)
    else:
        mail.body = text + b"\n\n" + mail.body
    if not (subject.isascii() and blurb.isascii()):
        mail.ensure_utf8()
    return mail.bytes()


def add_note_below_dashes(raw: bytes, note: str) -> bytes:
    """A patch with ``note`` (indented, like git's own notes) after its ``---`` line.

    ``git am`` ignores everything between ``---`` and the diff, so the note reaches
    reviewers and never the commit.
    """
    mail = _Mail.parse(raw)
    lines = mail.body.split(b"\n")
    try:
        at = lines.index(b"---")
    except ValueError:
        raise GitError("the patch has no '---' line to put the note under") from None
    block = [b"Voice note:"] + [(b"    " + ln.encode("utf-8")).rstrip() for ln in note.strip("\n").split("\n")] + [b""]
    mail.body = b"\n".join(lines[: at + 1] + block + lines[at + 1 :])
    if not note.isascii():
        mail.ensure_utf8()
    return mail.bytes()


# -- running git format-patch ------------------------------------------------------------


def split_output_dir(args: Sequence[str]) -> tuple[list[str], str | None]:
    """The user's arguments without ``-o DIR`` / ``--output-directory[=]DIR``, and that DIR."""
    rest: list[str] = []
    out: str | None = None
    it = iter(args)
    for a in it:
        if a == "--":
            rest.append(a)
            rest.extend(it)
            break
        if a in _OUTPUT_OPTS:
            out = next(it, None)
            if out is None:
                raise ConfigError(f"{a} needs a directory")
        elif a.startswith("--output-directory="):
            out = a.split("=", 1)[1]
        elif a.startswith("-o") and len(a) > 2 and not a.startswith("--"):
            out = a[2:]
        elif a in _UNSUPPORTED:
            raise ConfigError(f"{a} is not supported: git voice writes files (use -o DIR)")
        else:
            rest.append(a)
    return rest, out


def _shows_voice_notes(args: Sequence[str]) -> bool:
    """Whether the voice notes go below each ``---``: yes unless the arguments choose notes
    themselves. A bare ``--notes`` (git's default notes ref) shows them as well; a named
    ``--notes=REF`` or a final ``--no-notes`` is the user's choice, kept as it is."""
    args = list(args)
    opts = args[: args.index("--")] if "--" in args else args
    choices = [a for a in opts if a in ("--notes", "--no-notes") or a.startswith("--notes=")]
    if "--no-notes" in choices:  # git forgets the notes chosen before the last --no-notes
        choices = choices[len(choices) - choices[::-1].index("--no-notes") :]
        if not choices:
            return False
    return not any(a.startswith("--notes=") for a in choices)


def _then(args: Sequence[str], *opts: str) -> list[str]:
    """``args`` with ``opts`` after the user's own options (so they win, as git reads the
    last) and before a ``--`` (after which everything is a path)."""
    args = list(args)
    at = args.index("--") if "--" in args else len(args)
    return [*args[:at], *opts, *args[at:]]


def _has_opt(args: Sequence[str], *names: str) -> bool:
    return any(a == n or a.startswith(n + "=") for a in args for n in names)


def _run(cwd: Path, args: list[str], outdir: Path) -> list[Path]:
    proc = run_git(["format-patch", "-o", str(outdir), *args], cwd=cwd)
    files = [Path(line) for line in proc.stdout.splitlines() if line.strip()]
    return [f if f.is_absolute() else (cwd / f) for f in files]


def _destination(repo: Repo, cwd: Path, requested: str | None) -> Path:
    if requested is None:
        proc = repo.git("config", "--get", "format.outputDirectory", check=False)
        requested = proc.stdout.strip() or None
    return (cwd / requested).resolve() if requested else cwd


def format_series(
    repo: Repo,
    args: Sequence[str],
    *,
    subject: str,
    blurb: str,
    patch_note: str,
    cwd: str | os.PathLike[str] | None = None,
) -> Series:
    """Run ``git format-patch ARGS`` and put the note in; returns the files in their final place.

    A series of several patches (or any with ``--cover-letter``) gets a cover letter
    with ``subject`` and ``blurb``; a single patch gets ``patch_note`` below its
    ``---`` instead. Commits carrying voice notes show them (``--notes=voice``)
    unless the arguments say ``--notes``/``--no-notes`` themselves.
    """
    here = Path(cwd or os.getcwd())
    rest, requested = split_output_dir(args)
    dest = _destination(repo, here, requested)
    explicit_cover = _has_opt(rest, "--cover-letter")
    extra = [f"--notes={notes.TEXT_REF}"] if _shows_voice_notes(rest) and notes.has_notes(repo) else []
    with tempfile.TemporaryDirectory(prefix="format-patch-", dir=repo.voice_tmp()) as tmp:
        out = Path(tmp) / "a"
        files = _run(here, ["--cover-letter", *_then(rest, *extra)], out)
        if not files:
            raise GitError("git format-patch wrote no patches: is the range empty?")
        cover: Path | None = files[0]
        if len(files) == 2 and not explicit_cover and not _has_opt(rest, "--no-cover-letter"):
            out = Path(tmp) / "b"
            files = _run(here, _then(rest, *extra, "--no-cover-letter"), out)
            cover = None
        if _has_opt(rest, "--no-cover-letter"):
            cover = None
        if cover is not None:
            cover.write_bytes(fill_cover_letter(cover.read_bytes(), subject, blurb))
        else:
            for f in files[:1]:
                f.write_bytes(add_note_below_dashes(f.read_bytes(), patch_note))
        final = _publish(files, out, dest)
    return Series(files=final, cover_letter=final[0] if cover is not None else None)


def _publish(files: list[Path], out: Path, dest: Path) -> list[Path]:
    """Move the finished series from ``out`` into ``dest``: all of it, or none of it.

    The files are first copied into a staging folder inside ``dest`` (the step that
    can run out of space, as ``dest`` may be another file system), then renamed into
    place, which within one file system cannot fail half way for lack of space.
    """
    dest.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".git-voice-series-", dir=dest))
    try:
        staged = []
        for f in files:
            s = staging / f.relative_to(out)
            s.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, s)
            staged.append(s)
        final = []
        for s in staged:
            target = dest / s.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(s, target)
            final.append(target)
        return final
    finally:
        shutil.rmtree(staging, ignore_errors=True)
