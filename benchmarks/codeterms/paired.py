"""Two runs of ``product.py`` compared on the notes both finished (every voice).

    .venv/bin/python benchmarks/codeterms/paired.py BEFORE.json AFTER.json

A run stopped early still wrote each finished note; this scores both runs on the
same notes only, so a change's effect is not mixed with which notes were done.
Prints recall and false code terms per 20 notes per voice and command.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path


def complete_ids(run: dict) -> set[str]:
    voices = len(run["voices"])
    counts = Counter(r["id"] for r in run["records"] if r["path"] == "transcript")
    return {i for i, n in counts.items() if n == voices}


def score(records: list[dict], ids: set[str], voice: str | None, path: str) -> str:
    rs = [r for r in records if r["id"] in ids and r["path"] == path and voice in (None, r["voice"])]
    expected = sum(r["expected"] for r in rs)
    found = sum(r["found"] for r in rs)
    false = sum(len(r["false"]) for r in rs)
    return f"{100 * found / max(expected, 1):.1f}% ({found}/{expected}) | {20 * false / max(len(rs), 1):.2f} ({false})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    args = ap.parse_args()
    before, after = (json.loads(p.read_text()) for p in (args.before, args.after))
    ids = complete_ids(before) & complete_ids(after)
    print(f"{len(ids)} notes finished in both runs ({args.before.name}, {args.after.name})\n")
    print("| voice | command | recall before | false / 20 before | recall after | false / 20 after |")
    print("|---|---|---:|---:|---:|---:|")
    for voice in [*after["voices"], None]:
        for path in ("transcript", "commit", "note"):
            print(f"| {voice or 'all voices'} | {path} | {score(before['records'], ids, voice, path)} | "
                  f"{score(after['records'], ids, voice, path)} |")


if __name__ == "__main__":
    main()
