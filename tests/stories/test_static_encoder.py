"""The static claim-sentence encoder distilled from the pinned MiniLM (``static_encoder``)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from counterpoint.stories import static_encoder as st
from counterpoint.stories.embed import DIM, embed, load_embedder

PARAPHRASES = [
    ("The finance minister resigned after a week of protests over fuel prices.",
     "After a week of fuel-price protests, the minister of finance stepped down."),
    ("Police arrested three men in connection with the robbery of a jewellery store.",
     "Three men were detained by police over the jewellery shop robbery."),
    ("Unemployment fell to 4.2 percent in October, the lowest level in a decade.",
     "The jobless rate dropped to 4.2% in October, a ten-year low."),
    ("The airline cancelled 200 flights as pilots began a 48-hour strike.",
     "Pilots started a two-day strike and the carrier scrapped 200 flights."),
]  # fmt: skip


@pytest.fixture(scope="module")
def static() -> st.StaticEncoder:
    return st.load_static_encoder()


def test_static_rows_are_unit_length_in_order_and_independent_of_the_batch(static: st.StaticEncoder) -> None:
    texts = [t for pair in PARAPHRASES for t in pair]
    rows = static(texts)
    assert rows.shape == (len(texts), DIM)
    assert rows.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    alone = np.vstack([static([t]) for t in reversed(texts)])[::-1]
    np.testing.assert_allclose(rows, alone, atol=1e-6)


def test_static_paraphrases_are_nearer_than_other_sentences(static: st.StaticEncoder) -> None:
    rows = static([t for pair in PARAPHRASES for t in pair])
    sims = rows @ rows.T
    for i in range(len(PARAPHRASES)):
        a, b = 2 * i, 2 * i + 1
        others = [sims[a, j] for j in range(len(rows)) if j not in (a, b)]
        assert sims[a, b] > max(others) + 0.1


def test_static_text_without_tokens_gets_a_zero_row_and_empty_input_an_empty_array(
    static: st.StaticEncoder,
) -> None:
    rows = static(["", "   ", "Floods hit the north."])
    assert not rows[:2].any()
    assert abs(float(np.linalg.norm(rows[2])) - 1) < 1e-5
    assert static([]).shape == (0, DIM)


def test_static_is_reachable_by_name_and_close_to_minilm_in_ranking(static: st.StaticEncoder) -> None:
    assert load_embedder("static") is static
    texts = [t for pair in PARAPHRASES for t in pair]
    s, m = embed(texts, static), embed(texts, load_embedder("minilm"))
    # the same sentence is every other sentence's nearest neighbour under both encoders
    for rows in (s, m):
        sims = rows @ rows.T - 2 * np.eye(len(texts))
        assert [int(j) for j in sims.argmax(axis=1)] == [i ^ 1 for i in range(len(texts))]


def test_zipf_weights_grow_with_rank_and_leave_skipped_tokens_at_the_floor() -> None:
    vocab = {"[PAD]": 0, "[unused0]": 1, "[CLS]": 2, "a": 3, "b": 4, "the": 5, "of": 6, "##s": 7}
    vocab["harbour"] = 8
    w = st.zipf_weights(vocab)
    assert w[5] == pytest.approx(np.log(2))  # "the", the first whole word, is rank 1
    assert w[5] < w[6] < w[7] < w[8]
    assert w[0] == w[1] == w[2] == w[3] == pytest.approx(np.log(2))


def test_table_is_built_once_under_the_lock_and_keyed_by_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COUNTERPOINT_CACHE", str(tmp_path))
    calls: list[int] = []

    def fake_build() -> np.ndarray:
        calls.append(1)
        return np.ones((4, DIM), dtype=np.float32)

    monkeypatch.setattr(st, "build_table", fake_build)
    path = st.table_path()
    assert path.parent == tmp_path
    assert st.model_key() in path.name
    threads = [threading.Thread(target=st.ensure_table) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [1]
    with np.load(path) as data:
        assert data["table"].shape == (4, DIM)
    assert not list(tmp_path.glob("*.tmp"))  # written through a temporary file, then renamed
    monkeypatch.setattr(st, "RECIPE", "another recipe")
    assert st.table_path() != path
