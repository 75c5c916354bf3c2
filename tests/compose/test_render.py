from __future__ import annotations

from git_voice.compose import msgfile
from git_voice.compose.render import render


def test_transcript_is_data_never_template_source():
    out = render("commit-conventional", header="fix: x", type="fix", scope=None, subject="x",
                 body="I said {{ 7 * 7 }} and {% raw %} aloud", text="")
    assert out == "fix: x\n\nI said {{ 7 * 7 }} and {% raw %} aloud\n"


def test_template_dir_overrides_one_template(tmp_path):
    (tmp_path / "commit-plain.j2").write_text("{{ header }}\n\nSpoken-note: yes\n")
    custom = render("commit-plain", tmp_path, header="Fix it", type=None, scope=None, subject="Fix it", body="", text="")
    assert custom == "Fix it\n\nSpoken-note: yes\n"
    # The others still come from the built-in templates.
    assert render("note", tmp_path, text="t", body="wrapped body") == "wrapped body\n"


def test_message_file_keeps_git_text_and_comments():
    existing = "\nSigned-off-by: Ada <ada@example.com>\n# Please enter the commit message\n#\n# ---- >8 ----\ndiff --git a/x b/x\n"
    filled = msgfile.fill(existing, "fix: the thing\n\nbody\n")
    assert filled.startswith("fix: the thing\n\nbody\n\nSigned-off-by: Ada <ada@example.com>\n")
    assert filled.endswith(existing[existing.index("# Please"):])
    assert msgfile.already_filled(filled, "fix: the thing\n")
    assert not msgfile.already_filled(existing, "fix: the thing\n")


def test_a_template_dir_that_is_not_a_folder_is_an_error_not_the_built_in_templates(tmp_path):
    import pytest

    from git_voice.errors import ConfigError

    with pytest.raises(ConfigError, match="voice.templateDir .* is not a folder"):
        render("note", tmp_path / "no-such-folder", text="t", body="b")


def test_a_relative_template_dir_is_read_from_the_top_folder_in_a_subdirectory(tmp_path, monkeypatch):
    from git_voice.config import load_settings

    from ..helpers import git, make_repo

    path = make_repo(tmp_path / "r", commits=1)
    (path / ".voice-tpl").mkdir()
    (path / ".voice-tpl" / "note.j2").write_text("CUSTOM {{ body }}\n")
    git(path, "config", "voice.templateDir", ".voice-tpl")
    monkeypatch.chdir(path / "src")
    settings = load_settings(path)  # as every command reads them: from the top folder
    assert render("note", settings.template_dir, text="t", body="b") == "CUSTOM b\n"
