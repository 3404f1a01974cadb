"""The torch-free default encoder (int8 ONNX all-MiniLM-L6-v2) against the fp32 torch model."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from counterpoint.errors import CounterpointError
from counterpoint.stories.embed import DIM, Embedder, embed, load_embedder, load_torch_embedder
from counterpoint.stories.onnx_encoder import load_onnx_encoder, mean_pool, model_max_tokens

# Sentences written for these tests, in the register of news leads.
SENTENCES = [
    "The central bank of Amsel raised its main interest rate by half a point on Thursday.",
    "Floods killed at least twelve people in the northern province, officials said.",
    "The finance minister resigned after a week of protests over fuel prices.",
    "Rescue teams are still searching for survivors beneath the collapsed apartment block.",
    "Parliament approved the budget by 201 votes to 187 after an all-night session.",
    "The striker scored twice as the home side came from behind to win 3-2.",
    "A magnitude 6.1 earthquake struck off the coast early on Monday morning.",
    "Shares in the carmaker fell 8% after it cut its profit forecast for the year.",
    "The two leaders signed a trade agreement during a state visit to the capital.",
    "Police arrested three men in connection with the robbery of a jewellery store.",
    "Wildfires have burned more than 40,000 hectares of forest since the start of July.",
    "The court sentenced the former mayor to six years in prison for corruption.",
    "Health officials reported 312 new cases of measles, most of them in children.",
    "The airline cancelled 200 flights as pilots began a 48-hour strike.",
    "Opposition parties called for a vote of no confidence in the government.",
    "Scientists said the new vaccine was 91 percent effective in a trial of 20,000 people.",
    "The ceasefire collapsed within hours as shelling resumed near the border town.",
    "Unemployment fell to 4.2 percent in October, the lowest level in a decade.",
    "Voters in the region will decide in a referendum whether to leave the federation.",
    "The company said a cyberattack had disrupted its payment systems for two days.",
]


@pytest.fixture(scope="module")
def encoder() -> Embedder:
    """The default encoder as the pipeline loads it (once per process)."""
    return load_embedder()


def test_embed_onnx_matches_torch_fp32(encoder: Embedder) -> None:
    if importlib.util.find_spec("sentence_transformers") is None:
        pytest.skip("torch / sentence-transformers not installed (pip install 'counterpoint[torch]')")
    onnx = embed(SENTENCES, load_onnx_encoder())
    torch_fp32 = embed(SENTENCES, load_torch_embedder(model_max_tokens()))
    cosines = (onnx * torch_fp32).sum(axis=1)
    assert cosines.min() >= 0.995, cosines
    # the ranking of sentences by similarity is what stories and claims use: it must agree too
    assert np.corrcoef((onnx @ onnx.T).ravel(), (torch_fp32 @ torch_fp32.T).ravel())[0, 1] > 0.99


def test_embed_onnx_unit_rows_and_deterministic(encoder: Embedder) -> None:
    first = embed(SENTENCES, encoder)
    again = embed(SENTENCES, encoder)
    assert first.shape == (len(SENTENCES), DIM)
    assert first.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(first, again)


def test_embed_onnx_batch_equals_single(encoder: Embedder) -> None:
    texts = [SENTENCES[0], "Short one.", SENTENCES[5] + " " + SENTENCES[6], SENTENCES[3]]
    batch = embed(texts, encoder)
    single = np.vstack([embed([t], encoder) for t in texts])
    np.testing.assert_allclose(batch, single, atol=1e-5)


def test_embed_onnx_keeps_input_order_across_batches() -> None:
    small = load_onnx_encoder(batch_size=3)
    texts = [SENTENCES[i] * (1 + i % 4) for i in range(10)]  # lengths out of order
    np.testing.assert_allclose(small(texts), load_onnx_encoder()(texts), atol=1e-5)
    np.testing.assert_allclose(small(texts)[7], small([texts[7]])[0], atol=1e-5)


def test_embed_onnx_empty_strings(encoder: Embedder) -> None:
    out = embed(["", SENTENCES[0], ""], encoder)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)  # [CLS][SEP] still embeds
    np.testing.assert_array_equal(out[0], out[2])
    assert embed([], encoder).shape == (0, DIM)


def test_embed_onnx_truncates_long_text() -> None:
    assert model_max_tokens() == 256
    enc = load_onnx_encoder()
    head = " ".join(SENTENCES)  # about 330 tokens: past the 256-token window
    tail = " The minister later denied every word of the report." * 50
    np.testing.assert_allclose(enc([head + tail]), enc([head]), atol=1e-5)
    # a shorter window sees less of the head, so it must differ
    assert float((load_onnx_encoder(max_tokens=32)([head]) @ enc([head]).T)[0, 0]) < 0.999


def test_embed_onnx_mean_pool_ignores_padding() -> None:
    hidden = np.array([[[1.0, 0.0], [3.0, 0.0], [100.0, 100.0]]], dtype=np.float32)
    mask = np.array([[1, 1, 0]])
    np.testing.assert_allclose(mean_pool(hidden, mask), [[1.0, 0.0]])


def test_embed_load_embedder_cached_and_checked() -> None:
    assert load_embedder() is load_embedder()
    assert load_embedder(threads=2) is not load_embedder()
    with pytest.raises(CounterpointError, match="unknown embedder"):
        load_embedder("bert")


def test_embed_onnx_loads_after_usearch() -> None:
    # usearch's static libstdc++ made onnxruntime's import segfault when usearch came first
    # (the story stage's order); counterpoint/__init__.py preloads the system libstdc++ against it
    code = "import counterpoint.stories.cluster, onnxruntime; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stderr[-2000:]


def test_embed_onnx_q8_stays_close_to_the_exact_model(encoder: Embedder) -> None:
    # The claim encoder's int8 arithmetic: vectors close to the exact model's, and the same
    # nearest neighbours, which is what claim alignment asks of them.
    exact = embed(SENTENCES, encoder)
    q8 = embed(SENTENCES, load_embedder("minilm-q8"))
    cosines = (exact * q8).sum(axis=1)
    assert cosines.min() >= 0.97, cosines
    assert np.median(cosines) >= 0.985
    assert np.allclose(np.linalg.norm(q8, axis=1), 1.0, atol=1e-5)
    sims_exact, sims_q8 = exact @ exact.T, q8 @ q8.T
    np.fill_diagonal(sims_exact, -1)
    np.fill_diagonal(sims_q8, -1)
    assert (sims_exact.argmax(axis=1) == sims_q8.argmax(axis=1)).mean() >= 0.9


def test_embed_onnx_q8_model_is_derived_once_into_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import onnx

    from counterpoint.stories.onnx_encoder import quantized_model_file

    monkeypatch.setenv("COUNTERPOINT_CACHE", str(tmp_path))
    first = quantized_model_file()
    assert first.parent == tmp_path
    assert first.name.startswith("minilm-q8-")
    stamp = first.stat().st_mtime_ns
    assert quantized_model_file() == first
    assert first.stat().st_mtime_ns == stamp  # read, not rebuilt
    session = load_onnx_encoder(quantized=True).session
    ops = {n.op_type for n in onnx.load(str(first)).graph.node}
    assert ops & {"DynamicQuantizeMatMul", "MatMulInteger"}, ops  # int8 products, not fp32
    assert session.get_inputs()
