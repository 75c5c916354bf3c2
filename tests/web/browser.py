"""Shared by the web tests and the screenshot script: start ``git voice web`` and a headless Chromium."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from ..helpers import ROOT

CLI = [sys.executable, "-c", "from git_voice.cli import main; main()"]


def find_chromium() -> tuple[str, str] | None:
    """(browser, chromedriver) paths of Debian's chromium, or None when either is missing."""
    browser = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
    driver = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
    return (browser, driver) if browser and driver else None


def env() -> dict[str, str]:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(ROOT) + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    return e


def git_voice(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], cwd=repo, env=env(), capture_output=True, text=True)


class Server:
    """``git voice web --no-browser`` in ``repo``, run as a user would; its URL from stdout."""

    def __init__(self, repo: Path, *args: str) -> None:
        self.proc = subprocess.Popen([*CLI, "web", "--no-browser", *args], cwd=repo, env=env(),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = self._read_url()
        self.base, _, self.token = self.url.partition("/?token=")

    def _read_url(self, timeout: float = 120.0) -> str:
        # A reader thread: select() on the pipe would miss lines already in Python's buffer.
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.proc.stdout], daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1.0)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if "?token=" in line:
                return line.strip()
        raise AssertionError(f"git voice web printed no URL: {self.proc.stderr.read() if self.proc.poll() is not None else ''}")

    def stop(self) -> tuple[int, str]:
        """Ctrl-C, as a person would; (exit status, stderr)."""
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return self.proc.returncode, self.proc.stderr.read()


def chrome(paths: tuple[str, str], fake_audio: Path | None = None, width: int = 1200, height: int = 1400):
    """A headless Chromium through Debian's chromedriver (nothing is downloaded)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver = paths
    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--autoplay-policy=no-user-gesture-required", "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream", f"--window-size={width},{height}", "--lang=en-US"):
        opts.add_argument(arg)
    if fake_audio is not None:
        opts.add_argument(f"--use-file-for-fake-audio-capture={fake_audio}")
    return webdriver.Chrome(service=Service(executable_path=driver), options=opts)
