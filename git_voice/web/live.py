"""The JSON calls of the page's live recorder (see :mod:`git_voice.app.livestream`).

``POST /api/commit/{sha}/live`` with ``{"session": id, "rate": Hz}`` starts a take
(``id``: the page load's, one take at a time); ``POST /api/live/{id}/chunk`` with
little-endian float32 mono samples at that rate feeds it and answers the text heard so
far; ``POST /api/live/{id}/stop`` with the take's WAV (what the page built, as an
upload) ends it: the take is kept and its transcript is what was heard, or, when live
transcription failed, the WAV transcribed whole as an upload is.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..app.livestream import MAX_CHUNK_SECONDS, MAX_RATE, LiveStreamError
from ..errors import GitVoiceError
from .site import not_found
from .views import json_body, commit_or_none, error, site_of, store_upload, transcribe_request, transcribe_take

STATUS = {"bad": 400, "unknown": 404, "taken": 409, "too_big": 413, "full": 429}
# The largest chunk body read: MAX_CHUNK_SECONDS at the highest rate, as float32.
MAX_CHUNK_BYTES = int(MAX_CHUNK_SECONDS * MAX_RATE * 4)


def _refused(exc: LiveStreamError) -> Response:
    return error(str(exc), STATUS.get(exc.kind, 400))


async def start(request: Request) -> Response:
    site = site_of(request)
    sha = commit_or_none(site, request.path_params["sha"])
    if sha is None:
        return not_found("no such commit")
    body = await json_body(request)
    try:
        request_ = await run_in_threadpool(transcribe_request, site, sha)
        stream = site.live.start(body.get("session"), sha, body.get("rate"), request_,
                                 site.settings.max_seconds, site.model_lock)
    except LiveStreamError as exc:
        return _refused(exc)
    except GitVoiceError as exc:
        return error(str(exc))
    return JSONResponse({"session": stream.key, "rate": stream.rate})


async def _body(request: Request, limit: int) -> bytes | None:
    """The request's body, or None when it is over ``limit`` bytes (not read further)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    data = bytearray()
    async for part in request.stream():
        data += part
        if len(data) > limit:
            return None
    return bytes(data)


async def chunk(request: Request) -> Response:
    site = site_of(request)
    try:
        stream = site.live.get(request.path_params["session"])
    except LiveStreamError as exc:
        return _refused(exc)
    data = await _body(request, MAX_CHUNK_BYTES)
    if data is None:
        return error(f"a chunk may hold at most {MAX_CHUNK_BYTES} bytes", 413)
    try:
        caption = await run_in_threadpool(stream.feed, data)
    except LiveStreamError as exc:
        return _refused(exc)
    return JSONResponse({"caption": caption, "seconds": round(stream.seconds, 2), "slices": len(stream.live.ready_at)})


async def stop(request: Request) -> Response:
    site = site_of(request)
    try:
        stream = site.live.pop(request.path_params["session"])
    except LiveStreamError as exc:
        return _refused(exc)
    try:
        path = await store_upload(request, site)
    except BaseException:  # the page went away mid-upload: the take ends with nothing kept
        stream.abandon()
        raise
    if isinstance(path, Response):
        stream.abandon()
        return path
    try:
        heard = await run_in_threadpool(stream.finish, path)
    except GitVoiceError as exc:
        path.unlink(missing_ok=True)
        return error(str(exc))
    if heard is None:  # live transcription failed: the take is transcribed whole, as an upload
        return await transcribe_take(site, stream.sha, path)
    return JSONResponse({"take": path.name, "text": heard.text, "duration": round(heard.duration, 2), "live": True})
