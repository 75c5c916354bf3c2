"""What the page shows of the repository: commits of a range, one commit's diff, which carry notes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..gitops import notes
from ..gitops.repo import Repo
from ..util import readable

# A commit named in a request: hex only, so no request reaches git as an option or a path.
COMMIT_ID = re.compile(r"^[0-9a-f]{7,64}$")
MAX_COMMITS = 200
MAX_DIFF_LINES = 4000
_SEP, _FIELD = "\x1e", "\x1f"


@dataclass
class Commit:
    sha: str
    subject: str
    author: str
    date: str
    stat: str = ""
    noted: bool = False
    audio: bool = False
    body: str = ""
    diff: list[tuple[str, str]] = field(default_factory=list)  # (css class, line)
    truncated: bool = False


def noted(repo: Repo, ref: str) -> set[str]:
    """Commits that carry a note on ``ref``."""
    proc = repo.git("notes", f"--ref={ref}", "list", check=False)
    return {line.split()[1] for line in proc.stdout.splitlines() if len(line.split()) == 2} if proc.returncode == 0 else set()


def commits(repo: Repo, rev_range: str | None) -> list[Commit]:
    """The commits of ``rev_range`` (default: the last 50 of HEAD), newest first, with diffstats."""
    limit = ["-n", "50", "HEAD"] if not rev_range else ["-n", str(MAX_COMMITS), rev_range]
    if repo.git("rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode != 0:
        return []  # no commit yet
    out = repo.out("log", f"--format={_SEP}%H{_FIELD}%s{_FIELD}%an{_FIELD}%ad", "--date=format:%Y-%m-%d %H:%M",
                   "--shortstat", *limit, "--")
    texts, audios = noted(repo, notes.TEXT_REF), noted(repo, notes.AUDIO_REF)
    found = []
    for chunk in out.split(_SEP)[1:]:
        head, _, rest = chunk.partition("\n")
        sha, subject, author, date = (readable(head).split(_FIELD) + ["", "", ""])[:4]
        found.append(Commit(sha, subject, author, date, " ".join(rest.split()), sha in texts, sha in audios))
    return found


def _line_class(line: str) -> str:
    if line.startswith(("+++", "---", "diff ", "index ")):
        return "meta"
    if line.startswith("@@"):
        return "hunk"
    return {"+": "add", "-": "del"}.get(line[:1], "ctx")


def commit(repo: Repo, sha: str) -> Commit | None:
    """One commit with its message and diff, or None when ``sha`` names no commit."""
    if not COMMIT_ID.match(sha):
        return None
    proc = repo.git("rev-parse", "--verify", "--quiet", f"{sha}^{{commit}}", check=False)
    if proc.returncode != 0:
        return None
    full = proc.stdout.strip()
    head = repo.out("show", "-s", f"--format=%H{_FIELD}%s{_FIELD}%an{_FIELD}%ad{_FIELD}%b", "--date=format:%Y-%m-%d %H:%M", full)
    _, subject, author, date, body = (readable(head).split(_FIELD) + [""] * 5)[:5]
    stat = " ".join(repo.out("show", "--format=", "--shortstat", full).split())
    patch = readable(repo.out("show", "--format=", "--patch", "--no-color", "--no-ext-diff", full)).splitlines()
    c = Commit(full, subject, author, date, stat, notes.get_text(repo, full) is not None,
               notes.audio_blob(repo, full) is not None, body.strip())
    c.diff = [(_line_class(line), line) for line in patch[:MAX_DIFF_LINES]]
    c.truncated = len(patch) > MAX_DIFF_LINES
    return c
