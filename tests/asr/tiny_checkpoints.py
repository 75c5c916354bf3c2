"""Small randomly initialised Qwen3-ASR and Fun-ASR-Nano checkpoints, built offline.

The real weights cannot be fetched here, so the loading and decoding code is
tested on checkpoints of the same architecture and file layout: a config from
transformers' own config classes (a few layers, hidden size 32), a byte-level
BPE tokenizer trained on a few sentences with the special tokens each processor
looks up, and a chat template of our own that renders every part of the
request the processor builds (context, keywords, language). Random weights say
gibberish: tests assert on structure, never on words.
"""

from __future__ import annotations

from pathlib import Path

CORPUS = [
    "The parser now reads the config once and keeps the user cache.",
    "Fix get_user_by_id when load_config returns nothing.",
    "language English language Chinese language Japanese",
    "修复 解析器 配置 用户 缓存 加载 一次",
    "テスト 設定",
    "speech to text, the quick brown fox jumps over the lazy dog",
]


def byte_bpe(specials: list[str], eos: str, pad: str, extra: dict[str, str] | None = None):
    """A byte-level BPE tokenizer (every UTF-8 string encodes) with ``specials`` added."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=420, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(CORPUS, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, eos_token=eos, pad_token=pad, extra_special_tokens=extra or {}
    )


QWEN3_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m.role }}\n"
    "{% for c in m.content %}"
    "{% if c.type == 'audio' %}<|audio_start|><|audio_pad|><|audio_end|>"
    "{% elif c.type == 'text' %}{{ c.text }}{% endif %}"
    "{% endfor %}"
    "{% if not loop.last %}<|im_end|>\n{% endif %}"
    "{% endfor %}"
)


def text_only(model, tok) -> None:
    """Zero the (tied) embeddings of every token that is not a whole printable
    word piece: special tokens, and byte tokens that are part of a UTF-8
    character. Greedy decoding with random weights then writes readable pieces
    instead of stopping at once or emitting broken bytes: the tests need text
    to see segments come back."""
    import torch

    drop = [i for i in range(len(tok)) if i in tok.all_special_ids or not _clean(tok.decode([i]))]
    with torch.no_grad():
        model.get_input_embeddings().weight[sorted(set(drop))] = 0.0


def _clean(piece: str) -> bool:
    return bool(piece.strip()) and piece.isprintable() and "\ufffd" not in piece and "<" not in piece


def build_qwen3_asr(dest: Path) -> Path:
    """Write a tiny Qwen3-ASR checkpoint (model, tokenizer, processor) into ``dest``."""
    import torch
    from transformers import (
        Qwen3ASRConfig,
        Qwen3ASRFeatureExtractor,
        Qwen3ASRForConditionalGeneration,
        Qwen3ASRProcessor,
    )

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|audio_start|>", "<|audio_end|>", "<|audio_pad|>", "<asr_text>"]
    tok = byte_bpe(
        specials,
        eos="<|im_end|>",
        pad="<|endoftext|>",
        extra={"audio_token": "<|audio_pad|>", "audio_bos_token": "<|audio_start|>", "audio_eos_token": "<|audio_end|>"},
    )
    ids = tok.convert_tokens_to_ids
    config = Qwen3ASRConfig(
        audio_config=dict(
            encoder_layers=2, encoder_attention_heads=2, encoder_ffn_dim=64, d_model=32, output_dim=32,
            downsample_hidden_size=8,
        ),
        text_config=dict(
            vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
            num_attention_heads=2, num_key_value_heads=1, head_dim=16, max_position_embeddings=4096,
        ),
        audio_token_id=ids("<|audio_pad|>"),
        pad_token_id=ids("<|endoftext|>"),
        eos_token_id=[ids("<|endoftext|>"), ids("<|im_end|>")],
    )
    torch.manual_seed(0)
    model = Qwen3ASRForConditionalGeneration(config)
    text_only(model, tok)
    model.save_pretrained(dest)
    Qwen3ASRProcessor(feature_extractor=Qwen3ASRFeatureExtractor(), tokenizer=tok, chat_template=QWEN3_TEMPLATE).save_pretrained(dest)
    return dest


# Our own rendering of the parts Fun-ASR-Nano's processor puts in the user turn;
# the real checkpoint ships its own template.
FUN_ASR_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m.role }}\n"
    "{% set ns = namespace(lang=none) %}"
    "{% for c in m.content %}"
    "{% if c.type == 'audio' %}<|object_ref_start|>"
    "{% elif c.type == 'text' %}上下文：{{ c.text }}\n"
    "{% elif c.type == 'keywords' %}热词列表：[{{ c.keywords | join(', ') }}]\n"
    "{% elif c.type == 'language' %}{% set ns.lang = c.language %}{% endif %}"
    "{% endfor %}"
    "{% if ns.lang %}语音转写成{{ ns.lang }}：{% else %}语音转写：{% endif %}<|im_end|>\n"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def build_fun_asr_nano(dest: Path) -> Path:
    """Write a tiny Fun-ASR-Nano checkpoint (model, tokenizer, processor) into ``dest``."""
    import torch
    from transformers import FunAsrNanoConfig, FunAsrNanoForConditionalGeneration, FunAsrNanoProcessor
    from transformers.models.fun_asr_nano.feature_extraction_fun_asr_nano import FunAsrNanoFeatureExtractor

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>"]
    tok = byte_bpe(specials, eos="<|im_end|>", pad="<|endoftext|>")
    ids = tok.convert_tokens_to_ids
    hidden = 32
    config = FunAsrNanoConfig(
        audio_config=dict(
            num_mel_bins=80, hidden_size=32, num_attention_heads=2, intermediate_size=64, num_hidden_layers=3,
            num_timestamp_prediction_layers=1, hidden_dropout=0.0, attention_dropout=0.0,
        ),
        adaptor_config=dict(hidden_size=hidden, intermediate_size=hidden // 4, num_attention_heads=2, num_hidden_layers=1, projector_hidden_size=64),
        text_config=dict(
            vocab_size=len(tok), hidden_size=hidden, intermediate_size=64, num_hidden_layers=2,
            num_attention_heads=2, num_key_value_heads=1, head_dim=16, max_position_embeddings=4096,
            pad_token_id=ids("<|endoftext|>"), eos_token_id=[ids("<|endoftext|>"), ids("<|im_end|>")],
        ),
        audio_token_id=ids("<|object_ref_start|>"),
    )
    torch.manual_seed(0)
    model = FunAsrNanoForConditionalGeneration(config)
    text_only(model, tok)
    model.generation_config.eos_token_id = [ids("<|endoftext|>"), ids("<|im_end|>")]
    model.generation_config.pad_token_id = ids("<|endoftext|>")
    model.save_pretrained(dest)
    # The extractor class itself is plain Python; only its fbank call needs torchaudio.
    FunAsrNanoProcessor(
        feature_extractor=FunAsrNanoFeatureExtractor(), tokenizer=tok, chat_template=FUN_ASR_TEMPLATE
    ).save_pretrained(dest)
    return dest


def loaded_engine(path: Path, cls: type):
    """The engine the CLI loaded in this process (load_engine keeps one per model and device)."""
    from git_voice.asr.registry import load_engine

    engine, _ = load_engine(str(path), "cpu")
    assert isinstance(engine, cls)
    return engine


def prompt_text(engine, audio_token: str, row: int = 0) -> str:
    """The prompt the model was given, as text, with the run of audio placeholders shortened."""
    tok = engine.processor.tokenizer
    text = tok.decode(engine.last_input_ids[row], skip_special_tokens=False)
    while audio_token * 2 in text:
        text = text.replace(audio_token * 2, audio_token)
    return text.replace(tok.pad_token, "")
