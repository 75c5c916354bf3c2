"""``git voice web`` in a real browser: Debian's Chromium, driven by Selenium.

Skipped only where Chromium or its driver is absent and this is not CI (CI=true:
``.ci/setup-browser`` installs them, and a missing browser fails the run).
"""

from __future__ import annotations

import os
import time
import urllib.error
import urllib.request

import numpy as np
import pytest
import soundfile as sf

from ..asr.spoken import with_pauses
from ..helpers import git, make_repo, normalise, synth, wer
from .browser import Server, chrome, find_chromium, git_voice

PATHS = find_chromium()
if PATHS is None:
    if os.environ.get("CI") == "true":
        raise RuntimeError("chromium and chromium-driver are missing (CI runs .ci/setup-browser to install them)")
    pytest.skip("chromium or chromedriver is not installed", allow_module_level=True)

NOTE = "This change moves the parser into its own module and the tests read one file."
UPLOAD = "Retry the upload three times and then give up with a clear message."
SPOKEN = "Please check the cache settings before the release."
LIVE = ["This change moves the parser into a module of its own.", "The tests now read a single file."]


@pytest.fixture(scope="module")
def site(tmp_path_factory, bundled_model):
    """A repository of three commits, the middle one with a recorded note, served by git voice web."""
    repo = make_repo(tmp_path_factory.mktemp("web") / "repo", commits=3)
    done = git_voice(repo, "note", "add", "HEAD~1", "--audio", str(synth(NOTE)))
    assert done.returncode == 0, done.stderr
    server = Server(repo)
    yield repo, server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    driver = chrome(PATHS, fake_audio=synth(SPOKEN))
    yield driver
    driver.quit()


def wait_for(predicate, timeout: float = 60.0, step: float = 0.1):
    """``predicate()`` once it is true. The page re-renders parts of itself: an element
    found and then replaced before it is read (stale) or not there yet is a "not yet",
    not a failure (on a busy machine the render lands between the two calls)."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except (StaleElementReferenceException, NoSuchElementException):
            value = None
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def sha(repo, rev: str) -> str:
    return git(repo, "rev-parse", rev).strip()


def open_commit(browser, server, commit: str) -> None:
    browser.get(f"{server.base}/commit/{commit}?token={server.token}")
    wait_for(lambda: browser.execute_script("return document.readyState") == "complete")


def test_commits_page_lists_the_range(site, browser):
    repo, server = site
    browser.get(server.url)
    rows = browser.find_elements("css selector", "tr.commit")
    assert [r.find_element("css selector", ".subject").text for r in rows] == ["Add module 2", "Add module 1", "Add module 0"]
    noted = [r.get_attribute("data-sha") for r in rows if "noted" in r.get_attribute("class")]
    assert noted == [sha(repo, "HEAD~1")]
    assert "1 file changed" in rows[0].find_element("css selector", ".stat").text


def test_playing_highlights_the_spoken_word(site, browser):
    repo, server = site
    open_commit(browser, server, sha(repo, "HEAD~1"))
    words = browser.find_elements("css selector", "#transcript .w")
    assert normalise(" ".join(w.text for w in words)) == normalise(git_voice(repo, "show", "HEAD~1").stdout)
    browser.execute_script("document.getElementById('player').play()")
    seen = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and browser.execute_script("return !document.getElementById('player').ended"):
        now = browser.find_elements("css selector", "#transcript .w.now")
        if now:
            index = words.index(now[0]) if now[0] in words else -1
            if not seen or seen[-1] != index:
                seen.append(index)
        time.sleep(0.05)
    assert len(seen) >= 5, seen
    assert seen == sorted(seen), seen  # the highlight only moves forward
    assert seen[-1] >= len(words) - 3


def test_click_and_keys_seek(site, browser):
    repo, server = site
    open_commit(browser, server, sha(repo, "HEAD~1"))
    words = browser.find_elements("css selector", "#transcript .w")
    target = words[len(words) // 2]
    target.click()
    wait_for(lambda: "now" in target.get_attribute("class") or browser.execute_script(
        "return document.querySelector('#transcript .w.now') !== null && parseFloat(document.querySelector('#transcript .w.now').dataset.s) >= arguments[0]",
        float(target.get_attribute("data-s"))))
    browser.execute_script("const p = document.getElementById('player'); p.pause(); p.currentTime = 0")
    browser.find_element("css selector", "body").send_keys("l")
    assert wait_for(lambda: browser.execute_script("return document.getElementById('player').currentTime") >= 4.9, 10)
    browser.find_element("css selector", "body").send_keys(" ")
    wait_for(lambda: not browser.execute_script("return document.getElementById('player').paused"), 10)
    browser.find_element("css selector", "body").send_keys("k")
    wait_for(lambda: browser.execute_script("return document.getElementById('player').paused"), 10)


def take_text(browser) -> str:
    card = wait_for(lambda: browser.find_elements("css selector", ".take[data-take] .take-text"), 120)
    return card[-1].get_attribute("value")


def test_upload_becomes_the_note(site, browser):
    repo, server = site
    head = sha(repo, "HEAD")
    open_commit(browser, server, head)
    browser.find_element("id", "files").send_keys(str(synth(UPLOAD)))
    text = take_text(browser)
    assert "retry the upload three times" in normalise(text)
    progress = browser.find_element("css selector", ".take progress")
    assert float(progress.get_attribute("value")) == 100
    browser.find_element("css selector", ".take .save-take").click()
    wait_for(lambda: browser.find_elements("css selector", "#transcript .w"), 120)
    log = git(repo, "log", "--notes=voice", "-1", head)
    assert "retry the upload three times" in normalise(log)
    assert git(repo, "notes", "--ref=voice-words", "show", head).startswith("{")


def test_edited_transcript_reads_back_escaped(site, browser):
    repo, server = site
    commit = sha(repo, "HEAD~1")
    open_commit(browser, server, commit)
    browser.find_element("css selector", "#edit summary").click()
    box = browser.find_element("id", "edit-text")
    box.clear()
    box.send_keys("The parser moved, see <script>window.pwned = 1</script> in parse_headers.")
    browser.find_element("id", "save-edit").click()
    wait_for(lambda: "pwned" in browser.find_element("id", "transcript").text, 120)
    assert "<script>window.pwned" in git(repo, "notes", "--ref=voice", "show", commit)
    # The page shows the text, then again with its word timings: read what it settles on.
    assert wait_for(lambda: "<script>window.pwned" in browser.find_element("id", "transcript").text, 60)
    assert browser.execute_script("return window.pwned === undefined")
    # The sentence's full stop is shown after the code, not inside it.
    code = wait_for(lambda: [e.text for e in browser.find_elements("css selector", "#transcript .w.code code")
                             if e.text == "parse_headers"], 60)
    assert code


def test_recording_from_the_microphone(site, browser):
    repo, server = site
    open_commit(browser, server, sha(repo, "HEAD~2"))
    seconds = sf.info(str(synth(SPOKEN))).duration
    browser.find_element("id", "record").click()
    wait_for(lambda: browser.execute_script("return document.body.dataset.recording === '1'"), 20)
    time.sleep(seconds + 0.5)
    browser.find_element("id", "stop").click()
    text = normalise(take_text(browser))
    assert browser.find_elements("css selector", ".take[data-live='1']")  # transcribed live
    # The page's capture passes through the browser's audio clock: on a loaded machine
    # a word can come out as its homophone ("cash"), so the whole sentence is what counts.
    assert wer(SPOKEN, text) <= 0.25 and "settings" in text and "release" in text, text


def test_recording_is_transcribed_while_it_goes_on(site, tmp_path):
    """Two sentences with a pause, then silence (the fake microphone loops its file): the
    first sentence's text shows on the page before the take is stopped."""
    repo, server = site
    samples, _ = with_pauses(synth, LIVE)
    fake = tmp_path / "live.wav"
    sf.write(fake, np.concatenate([samples, np.zeros(90 * 16000, np.float32)]), 16000, subtype="PCM_16")
    driver = chrome(PATHS, fake_audio=fake)
    try:
        open_commit(driver, server, sha(repo, "HEAD~2"))
        driver.find_element("id", "record").click()
        wait_for(lambda: driver.execute_script("return document.body.dataset.recording === '1'"), 20)
        caption = wait_for(lambda: driver.find_element("id", "live-caption").text, 80, 0.2)
        assert driver.execute_script("return document.body.dataset.recording === '1'")
        time.sleep(len(samples) / 16000 + 0.5)  # the second sentence is in the take too
        driver.find_element("id", "stop").click()
        text = take_text(driver)
        assert driver.find_elements("css selector", ".take[data-live='1']")
    finally:
        driver.quit()
    assert wer(LIVE[0], caption) <= 0.25, caption
    assert wer(" ".join(LIVE), text) <= 0.25, text


def test_requests_without_the_token_are_refused(site):
    _, server = site

    def status(url: str, headers: dict | None = None, data: bytes | None = None) -> int:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {})) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert status(server.url) == 200
    assert status(server.base + "/") == 403
    assert status(server.base + "/static/app.js") == 403
    assert status(server.url, {"Host": f"rebound.example:{server.base.rsplit(':', 1)[1]}"}) == 403
    cookie = {"Cookie": f"gitvoice_token={server.token}", "Content-Type": "application/json"}
    assert status(server.base + "/", cookie) == 200
    assert status(server.base + "/api/stage", cookie, b'{"take": "x"}') == 403  # a cookie alone changes nothing
    header = {"X-GitVoice-Token": server.token, "Content-Type": "application/json"}
    assert status(server.base + "/api/stage", header, b'{"take": "../../config"}') == 400


def test_ctrl_c_stops_cleanly(tmp_path):
    repo = make_repo(tmp_path / "r", commits=1)
    server = Server(repo, "--port", "0")
    assert server.url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(server.url) as page:  # serving: Ctrl-C now stops a running server
        assert page.status == 200
    code, err = server.stop()
    assert code == 0, err
    assert "Traceback" not in err and "stopped" in err
