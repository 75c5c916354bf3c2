"""The pages and the JSON calls of ``git voice web``.

Every request names a commit by its hex id and a take by its file name in
``.git/voice/takes/``, checked against a strict pattern and resolved inside that
folder: no request can name any other file. Work that runs the model (transcribing
an upload, timing a note's words) runs in Starlette's thread pool, one at a time.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from ..app import voicewords
from ..app.takes import stage_take as stage_checked
from ..errors import GitVoiceError
from ..gitops import notes
from ..gitops.takes import AUDIO_SUFFIXES, takes_dir
from ..util import readable
from . import history
from .site import HERE, Site, not_found

# Uploads: the CLI's duration limit (voice.maxSeconds) is checked when the audio is
# decoded; this bounds the bytes read before that (30 min of 48 kHz stereo 24-bit WAV).
MAX_UPLOAD_BYTES = 520 * 1024 * 1024
TAKE_NAME = re.compile(r"^web-\d{8}-\d{6}-\d+\.(?:flac|wav|ogg|mp3|oga|opus)$")

_ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))


def site_of(request: Request) -> Site:
    return request.app.state.site


def _page(request: Request, name: str, **context: Any) -> HTMLResponse:
    site = site_of(request)
    html = _ENV.get_template(name).render(token=site.token, repo_name=site.repo.cwd.name, **context)
    return HTMLResponse(html)


def error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def commits_page(request: Request) -> Response:
    site = site_of(request)
    try:
        found = await run_in_threadpool(history.commits, site.repo, site.rev_range)
    except GitVoiceError as exc:
        return PlainTextResponse(f"{exc}\n", status_code=400)
    return _page(request, "commits.html", commits=found, rev_range=site.rev_range or "HEAD (last 50)")


def _readable(data: Any) -> Any:
    """``data`` (JSON-like) with every string made encodable (:func:`~git_voice.util.readable`)."""
    if isinstance(data, str):
        return readable(data)
    if isinstance(data, dict):
        return {k: _readable(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_readable(v) for v in data]
    return data


def _words(site: Site, sha: str) -> dict | None:
    with site.model_lock:
        return _readable(voicewords.for_note(site.repo, sha, site.settings))


async def commit_page(request: Request) -> Response:
    site = site_of(request)
    sha = request.path_params["sha"]
    c = await run_in_threadpool(history.commit, site.repo, sha)
    if c is None:
        return not_found("no such commit")
    text = notes.get_text(site.repo, c.sha)
    text = readable(text) if text is not None else None
    words, timing, problem = None, None, None
    if text is not None and c.audio:
        try:
            data = await run_in_threadpool(_words, site, c.sha)
        except GitVoiceError as exc:
            data, problem = None, str(exc)
        if data:
            words, timing = voicewords.words_of(data), data.get("timing")
    return _page(request, "commit.html", c=c, text=text, words=words, timing=timing, problem=problem,
                 unsure_below=voicewords.UNSURE_BELOW)


def commit_or_none(site: Site, sha: str) -> str | None:
    c = history.COMMIT_ID.match(sha) and site.repo.git("rev-parse", "--verify", "--quiet", f"{sha}^{{commit}}", check=False)
    return c.stdout.strip() if c and c.returncode == 0 else None


def _audio_type(data: bytes) -> str:
    if data[:4] == b"fLaC":
        return "audio/flac"
    if data[:4] == b"RIFF":
        return "audio/wav"
    if data[:4] == b"OggS":
        return "audio/ogg"
    if data[:3] == b"ID3" or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    return "application/octet-stream"


async def audio(request: Request) -> Response:
    """The note's recording, with byte ranges (the player seeks through them)."""
    site = site_of(request)
    sha = commit_or_none(site, request.path_params["sha"])
    data = notes.get_audio(site.repo, sha) if sha else None
    if data is None:
        return not_found("no recording")
    headers = {"accept-ranges": "bytes"}
    match = re.fullmatch(r"bytes=(\d*)-(\d*)", request.headers.get("range", ""))
    if match and (match.group(1) or match.group(2)):
        a, b = match.groups()
        start = int(a) if a else max(0, len(data) - int(b))
        end = min(len(data) - 1, int(b)) if a and b else len(data) - 1
        if start >= len(data) or start > end:
            return Response(status_code=416, headers={"content-range": f"bytes */{len(data)}"})
        headers["content-range"] = f"bytes {start}-{end}/{len(data)}"
        return Response(data[start : end + 1], status_code=206, media_type=_audio_type(data), headers=headers)
    return Response(data, media_type=_audio_type(data), headers=headers)


async def words_json(request: Request) -> Response:
    site = site_of(request)
    sha = commit_or_none(site, request.path_params["sha"])
    if sha is None:
        return not_found("no such commit")
    try:
        data = await run_in_threadpool(_words, site, sha)
    except GitVoiceError as exc:
        return error(str(exc))
    return JSONResponse(data) if data else not_found("no recorded note")


async def export(request: Request) -> Response:
    """The note as subtitles: ``note.srt`` or ``note.vtt``."""
    site = site_of(request)
    kind = request.path_params["kind"]
    sha = commit_or_none(site, request.path_params["sha"])
    if sha is None or kind not in ("srt", "vtt"):
        return not_found()
    try:
        data = await run_in_threadpool(_words, site, sha)
    except GitVoiceError as exc:  # as words.json: the recording cannot be decoded, ...
        return error(str(exc))
    if not data:
        return not_found("no recorded note")
    words = voicewords.words_of(data)
    body = voicewords.to_srt(words) if kind == "srt" else voicewords.to_vtt(words)
    media = "application/x-subrip" if kind == "srt" else "text/vtt"
    return Response(body, media_type=media, headers={"content-disposition": f'attachment; filename="{sha[:12]}.{kind}"'})


def _new_take(site: Site, suffix: str) -> tuple[Path, int]:
    """A new, empty take file in ``.git/voice/takes/`` and its open descriptor: made
    user-only (0600) whatever the umask, and never one that already exists."""
    folder = takes_dir(site.repo)
    stem = time.strftime("web-%Y%m%d-%H%M%S")
    n = 1
    while True:
        path = folder / f"{stem}-{n}{suffix}"
        try:
            return path, os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            n += 1


def _take_path(site: Site, name: Any) -> Path | None:
    """The take called ``name`` in ``.git/voice/takes/`` (one the page uploaded), or None."""
    if not isinstance(name, str) or not TAKE_NAME.match(name):
        return None
    folder = takes_dir(site.repo).resolve()
    path = (folder / name).resolve()
    return path if path.parent == folder and path.is_file() else None


def transcribe_request(site: Site, sha: str):
    """The transcription request for a take about commit ``sha``: its change's code terms."""
    from ..app.transcribe import Request, candidates_of
    from ..gitops.changes import ChangeRef

    return Request(settings=site.settings, hotwords=tuple(site.settings.hotwords),
                   candidates=candidates_of(site.repo, ChangeRef.commit(sha)), progress=None)


def _transcribe(site: Site, sha: str, path: Path) -> dict:
    from ..app.transcribe import transcribe_files

    request = transcribe_request(site, sha)
    with site.model_lock:
        result = transcribe_files([path], request)[0]
    return {"take": path.name, "text": result.text, "duration": round(result.duration, 2)}


async def store_upload(request: Request, site: Site) -> Path | Response:
    """The request's body (an audio file; ``X-Filename``: its name) kept as a new take:
    its path, or the error response when it is too big."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES:
        return error(f"the file is over {MAX_UPLOAD_BYTES // 2**20} MiB", 413)
    suffix = Path(request.headers.get("x-filename", "take.wav")).suffix.lower()
    path, fd = _new_take(site, suffix if suffix in AUDIO_SUFFIXES else ".wav")
    size = 0
    try:
        with os.fdopen(fd, "wb") as fh:
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    fh.close()
                    path.unlink()
                    return error(f"the file is over {MAX_UPLOAD_BYTES // 2**20} MiB", 413)
                fh.write(chunk)
    except BaseException:  # the client went away (ClientDisconnect), a full disk: no half take stays
        path.unlink(missing_ok=True)
        raise
    return path


async def transcribe_take(site: Site, sha: str, path: Path) -> Response:
    """Transcribe the take at ``path`` whole; the take is deleted when that fails."""
    try:
        return JSONResponse(await run_in_threadpool(_transcribe, site, sha, path))
    except GitVoiceError as exc:
        path.unlink(missing_ok=True)
        return error(str(exc))


async def upload_take(request: Request) -> Response:
    """Body: the audio file's bytes (``X-Filename``: its name). Keeps it as a take and transcribes it."""
    site = site_of(request)
    sha = commit_or_none(site, request.path_params["sha"])
    if sha is None:
        return not_found("no such commit")
    path = await store_upload(request, site)
    if isinstance(path, Response):
        return path
    return await transcribe_take(site, sha, path)


async def json_body(request: Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _save(site: Site, sha: str, text: str, take: Path | None) -> dict:
    # The same note text and storage as `git voice note add`.
    from ..app.notes import attach

    attach(site.repo, sha, text, take, site.settings)
    # The note is saved: a recording that cannot be timed costs only the word times.
    try:
        with site.model_lock:
            data = voicewords.make(site.repo, sha, site.settings)
    except GitVoiceError as exc:
        return {"saved": sha, "text": notes.get_text(site.repo, sha), "timed": False, "untimed": str(exc)}
    return {"saved": sha, "text": notes.get_text(site.repo, sha), "timed": data is not None}


async def save_note(request: Request) -> Response:
    """JSON ``{"text": ..., "take": optional take name}``: the commit's voice note (and recording)."""
    site = site_of(request)
    sha = commit_or_none(site, request.path_params["sha"])
    if sha is None:
        return not_found("no such commit")
    body = await json_body(request)
    text = body.get("text")
    if not isinstance(text, str) or not text.strip():
        return error("the note is empty")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # JSON's "\ud800": a lone surrogate, no character at all
        return error("the note is not valid Unicode text (it holds a lone surrogate)")
    take = None
    if body.get("take") is not None:
        take = _take_path(site, body["take"])
        if take is None:
            return error("no such take")
    try:
        return JSONResponse(await run_in_threadpool(_save, site, sha, " ".join(text.split()), take))
    except GitVoiceError as exc:
        return error(str(exc))


async def stage_take(request: Request) -> Response:
    """JSON ``{"take": name}``: copy an uploaded take into the pending takes for the next commit."""
    site = site_of(request)
    take = _take_path(site, (await json_body(request)).get("take"))
    if take is None:
        return error("no such take")
    try:
        # As `git voice note stage`: only a take that decodes whole (not one still uploading).
        dest = await run_in_threadpool(stage_checked, site.repo, site.settings, str(take))
    except GitVoiceError as exc:
        return error(str(exc).replace(str(take), f"take {take.name}"))
    return JSONResponse({"staged": dest.name})
