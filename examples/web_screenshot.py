"""Take the README's screenshot of ``git voice web``: a commit page mid-playback.

Builds a small repository in a temporary folder, notes a synthesised take on its
last commit with ``git voice note add``, serves it with ``git voice web
--no-browser``, plays the note in headless Chromium (the browser the tests use),
pauses it on a word and saves ``docs/web-commit-page.png``.

    .venv/bin/python examples/web_screenshot.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers import git, make_repo, synth  # noqa: E402
from tests.web.browser import Server, chrome, find_chromium, git_voice  # noqa: E402

SPOKEN = ("This change renames get user to get user by id in user store dot py. "
          "The old name hid the lookup key. Zorvath flags keep their defaults.")
OUT = ROOT / "docs" / "web-commit-page.png"


def build(where: Path) -> Path:
    repo = make_repo(where / "shop", commits=1)
    src = repo / "src" / "user_store.py"
    src.write_text("def get_user_by_id(user_id):\n    return STORE.lookup(key=user_id)\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Rename get_user to get_user_by_id")
    done = git_voice(repo, "note", "add", "HEAD", "--audio", str(synth(SPOKEN)))
    if done.returncode:
        raise SystemExit(done.stderr)
    return repo


def main() -> None:
    paths = find_chromium()
    if paths is None:
        raise SystemExit("chromium and chromedriver are needed (apt-get install chromium chromium-driver)")
    with tempfile.TemporaryDirectory() as tmp:
        repo = build(Path(tmp))
        server = Server(repo)
        browser = chrome(paths, width=1100, height=900)
        try:
            head = git(repo, "rev-parse", "HEAD").strip()
            browser.get(f"{server.base}/commit/{head}?token={server.token}")
            if not browser.find_elements("id", "player"):
                raise SystemExit("no player on the page: " + browser.find_element("id", "note").text)
            browser.execute_script("document.getElementById('player').play()")
            time.sleep(3.2)
            browser.execute_script("document.getElementById('player').pause()")
            time.sleep(0.3)
            OUT.parent.mkdir(exist_ok=True)
            browser.save_screenshot(str(OUT))
            marks = browser.execute_script(
                "return [document.querySelectorAll('.w.now').length, document.querySelectorAll('.w.unsure').length,"
                " document.querySelectorAll('.w.code').length]")
            print(f"wrote {OUT.relative_to(ROOT)}: highlighted {marks[0]}, unsure {marks[1]}, code {marks[2]} words")
        finally:
            browser.quit()
            server.stop()


if __name__ == "__main__":
    main()
