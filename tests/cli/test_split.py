"""One spoken walk-through of a three-patch series, split into per-commit notes
(``note split``, ``format-patch --split``): real repository, real model, hibari speech."""

from __future__ import annotations

import email
import email.policy
import sys

import soundfile as sf

from ..helpers import git, make_repo

WALK = ("This series makes config loading safe. First I fixed the crash in load config when the file is missing. "
        "It now returns the defaults. Then I renamed get user to get user by id. The last patch adds the test.")


def series_repo(path):
    """A repository whose last three commits are the fix, the rename and the test of WALK."""
    repo = make_repo(path)
    (repo / "app").mkdir()
    (repo / "app" / "config.py").write_text("def load_config(path):\n    return open(path).read()\n")
    (repo / "app" / "users.py").write_text("def get_user(user_id):\n    return USERS[user_id]\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Base")
    (repo / "app" / "config.py").write_text(
        "def load_config(path):\n    try:\n        return open(path).read()\n    except FileNotFoundError:\n        return DEFAULTS\n")
    git(repo, "commit", "-q", "-am", "Fix crash in load_config when the file is missing")
    (repo / "app" / "users.py").write_text("def get_user_by_id(user_id):\n    return USERS[user_id]\n")
    git(repo, "commit", "-q", "-am", "Rename get_user to get_user_by_id")
    (repo / "tests").mkdir()
    (repo / "tests" / "test_config.py").write_text(
        "def test_missing_config_file(tmp_path):\n    assert load_config(tmp_path / 'nope') == DEFAULTS\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add a test for the missing config file")
    return repo, git(repo, "rev-list", "--reverse", "HEAD~3..HEAD").split()


def note(repo, sha, ref="voice"):
    return git(repo, "notes", f"--ref={ref}", "show", sha, check=False)


def test_format_patch_split_puts_each_part_after_its_dashes_and_the_series_applies(tmp_path, monkeypatch, gv, speech, bundled_model):
    repo, shas = series_repo(tmp_path / "repo")
    monkeypatch.chdir(repo)
    walk = speech(WALK)
    r = gv("format-patch", "HEAD~3", "--audio", str(walk), "--split", "--no-edit", "-o", "series")
    assert r.code == 0, r
    files = [repo / line for line in r.out.splitlines()]
    assert len(files) == 4
    cover = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default).get_content()
    assert "config loading safe" in cover and "renamed" not in cover and "defaults" not in cover
    expected = [("load_config", "defaults"), ("get_user_by_id",), ("the test",)]
    for k, (patch, says) in enumerate(zip(files[1:], expected)):
        text = patch.read_text()
        dashes, diff = text.index("\n---\n"), text.index("\ndiff --git")
        block = text[dashes:diff]
        assert "Notes (voice):" in block, text
        for words in says:
            assert words in block, (k, block)
        others = [w for j, ws in enumerate(expected) if j != k for w in ws]
        assert not any(w in block for w in others), (k, block)
        assert "config loading safe" not in block
    # Each commit's recording is its own stretch of the walk-through, shorter than the whole.
    whole = sf.info(str(walk)).duration
    spans = []
    for sha in shas:
        gv("show", sha, "--extract", str(tmp_path / f"{sha}.flac"))
        info = sf.info(str(tmp_path / f"{sha}.flac"))
        assert info.format == "FLAC"
        spans.append(info.duration)
    assert all(0.5 < d < whole / 2 for d in spans) and sum(spans) < whole, (spans, whole)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    git(clone, "reset", "-q", "--hard", "HEAD~3")
    git(clone, "-c", "user.name=R", "-c", "user.email=r@example.com", "am", "-q", *map(str, files[1:]))
    assert git(clone, "rev-parse", "HEAD^{tree}") == git(repo, "rev-parse", "HEAD^{tree}")
    assert git(clone, "log", "-3", "--format=%s") == git(repo, "log", "-3", "--format=%s")


def test_note_split_opens_the_editor_and_a_moved_sentence_moves(tmp_path, monkeypatch, gv, speech, bundled_model):
    repo, shas = series_repo(tmp_path / "repo")
    monkeypatch.chdir(repo)
    editor = tmp_path / "move_defaults.py"
    # The author moves "It now returns the defaults." from patch 1 to the end (patch 3).
    editor.write_text(
        "import sys\np = sys.argv[1]\nlines = open(p).read().splitlines()\n"
        "moved = [l for l in lines if 'defaults' in l and not l.startswith('#')]\n"
        "rest = [l for l in lines if l not in moved]\n"
        "open(p, 'w').write('\\n'.join(rest + moved) + '\\n')\n")
    monkeypatch.setenv("GIT_EDITOR", f"{sys.executable} {editor}")
    r = gv("note", "split", "HEAD~3..", "--audio", str(speech(WALK)))
    assert r.code == 0, r
    assert "# --- 2/3 " + shas[1][:7] + " Rename get_user to get_user_by_id" in r.out
    assert "defaults" not in note(repo, shas[0]) and "load_config" in note(repo, shas[0])
    assert "defaults" in note(repo, shas[2]) and "the test" in note(repo, shas[2])
    assert "get_user_by_id" in note(repo, shas[1])


def test_a_failed_split_writes_nothing(tmp_path, monkeypatch, gv, speech, bundled_model):
    repo, shas = series_repo(tmp_path / "repo")
    monkeypatch.chdir(repo)
    walk = str(speech(WALK))
    # An editor that loses a marker line: refused, nothing written.
    editor = tmp_path / "drop_marker.py"
    editor.write_text("import sys\np = sys.argv[1]\nt = open(p).read().splitlines()\n"
                      "open(p, 'w').write('\\n'.join(l for l in t if not l.startswith('# --- 2/3')))\n")
    monkeypatch.setenv("GIT_EDITOR", f"{sys.executable} {editor}")
    r = gv("note", "split", "HEAD~3..", "--audio", walk)
    assert r.code == 2 and "marker" in r.err and "Traceback" not in r.err, r
    assert git(repo, "for-each-ref", "refs/notes") == ""
    # An emptied text aborts.
    monkeypatch.setenv("GIT_EDITOR", "truncate -s 0")
    r = gv("note", "split", "HEAD~3..", "--audio", walk)
    assert r.code == 0 and git(repo, "for-each-ref", "refs/notes") == ""
    # git format-patch failing after the notes were built: the notes go back, no series is left.
    r = gv("format-patch", "HEAD~3", "--audio", walk, "--split", "--no-edit", "-o", "series", "--no-such-option")
    assert r.code == 2 and "Traceback" not in r.err, r
    assert git(repo, "for-each-ref", "refs/notes") == "" and not (repo / "series").exists()
    # A range of one commit is no series.
    r = gv("note", "split", "HEAD~1..", "--audio", walk, "--no-edit")
    assert r.code == 2 and "two or more" in r.err
