"""Claims on pending takes under concurrency: a claim being made is never mistaken for a
dead one, and many commits claiming at once never lose, share or break a take."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

from git_voice.gitops.repo import Repo
from git_voice.gitops.takes import (CLAIMS, Owner, claim_pending, claims, consume, mark_used, pending_dir,
                                    pending_takes, recover_stale_claims, release)


def test_a_claim_folder_not_yet_labelled_is_left_to_its_maker(repo):
    """The moment between making a claim's folder and writing whose it is: recovery by
    another commit must not take it for a claim of a dead process (CI saw that race)."""
    r = Repo.discover(repo)
    pending_takes(r)  # makes the folders
    young = r.voice_dir / CLAIMS / "20990101-000000-abcdef12"
    young.mkdir(parents=True)
    recover_stale_claims(r)
    assert young.is_dir()
    old = time.time() - 3600
    os.utime(young, (old, old))
    recover_stale_claims(r)  # an hour old and still unlabelled: its maker is gone
    assert not young.exists()


def test_a_claim_is_published_with_its_owner(repo):
    r = Repo.discover(repo)
    (pending_dir(r) / "take-1.wav").write_bytes(b"RIFF")
    claim = claim_pending(r, Owner.of(os.getpid()), tree="t")
    assert claim is not None and claim.dir.parent.name == CLAIMS and not claim.dir.name.startswith(".")
    listed = claims(r)
    assert [c.dir for c in listed] == [claim.dir]
    assert listed[0].owner == Owner.of(os.getpid()) and [p.name for p in listed[0].takes] == ["take-1.wav"]
    assert [p.name for p in consume(r, claim)] == ["take-1.wav"] and not claims(r)


def _claimer(root: str, rounds: int, out) -> None:
    r = Repo.discover(root)
    got, errors = [], []
    for _ in range(rounds):
        try:
            claim = claim_pending(r, Owner.of(os.getpid()))
            if claim is not None:
                got.extend(p.name for p in claim.takes)
                consume(r, claim)
        except Exception as exc:  # noqa: BLE001 - any error is the failure being looked for
            errors.append(repr(exc))
    out.put((got, errors))


def test_many_commits_claiming_at_once_each_take_goes_to_one(repo):
    r = Repo.discover(repo)
    pending = pending_dir(r)
    names = [f"take-{i:03d}.wav" for i in range(120)]
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=_claimer, args=(str(repo), 400, out)) for _ in range(4)]
    for p in procs:
        p.start()
    for name in names:  # takes arrive while the others claim
        (pending / name).write_bytes(name.encode())
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    got = [n for g, _ in results for n in g]
    assert [e for _, e in results] == [[]] * len(procs)
    left = sorted(p.name for p in pending.iterdir())
    assert len(got) == len(set(got)) and sorted(got + left) == names
    assert not list((r.voice_dir / CLAIMS).iterdir())


def test_a_take_moved_onto_a_name_already_taken_keeps_both(repo):
    """Defect 3 of the misc report: ``used/`` and a claim given back to ``pending/``
    replaced a take of the same name (takes are named by the second). Both are kept;
    the one moved gets a free name, and that name is what is returned."""
    r = Repo.discover(repo)
    pend = pending_dir(r)
    (pend / "take-1.wav").write_bytes(b"first")
    (first,) = mark_used(r, [pend / "take-1.wav"])
    (pend / "take-1.wav").write_bytes(b"second")
    claim = claim_pending(r, Owner.of(os.getpid()))
    (second,) = consume(r, claim)
    assert (first.name, first.read_bytes()) == ("take-1.wav", b"first")
    assert (second.name, second.read_bytes()) == ("take-1-2.wav", b"second") and second.parent == first.parent
    (pend / "take-2.wav").write_bytes(b"claimed")
    claim = claim_pending(r, Owner.of(os.getpid()))
    (pend / "take-2.wav").write_bytes(b"staged meanwhile")
    release(r, claim)
    assert sorted((p.name, p.read_bytes()) for p in pend.iterdir()) == [
        ("take-2-2.wav", b"claimed"), ("take-2.wav", b"staged meanwhile")]
    assert len(pending_takes(r)) == 2
