"""A revision given by the user is never read by git as an option (``--end-of-options``)."""

from __future__ import annotations

import pytest

from ..cli.notes_audio import NOTE


@pytest.mark.parametrize("spec", ["--output={}..HEAD", "--output={}"])
def test_hotwords_from_cannot_smuggle_an_option(repo, gv, speech, tmp_path, spec, bundled_model):
    target = tmp_path / "written-by-git.txt"
    r = gv("transcribe", str(speech(NOTE)), f"--hotwords-from={spec.format(target)}")
    assert not target.exists(), r
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1 and "Traceback" not in r.err, r
