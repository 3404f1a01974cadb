from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from counterpoint.slant.features import (
    STANCE_COLUMNS,
    STANCE_DENSE,
    STANCE_EMBED,
    Tokens,
    stance_row,
    stance_texts,
    stance_vectors,
)
from counterpoint.slant.fit import design, fit_softmax
from counterpoint.slant.head import STANCE_LABELS, Batch, LinearHead, ModelFileError, load_head, save_head
from counterpoint.slant.lexicon import load_lexicon
from counterpoint.slant.targeted import load_heads


def _head(dims: int = 8) -> LinearHead:
    rng = np.random.default_rng(0)
    w = rng.normal(size=(len(STANCE_DENSE) + dims, 3))
    return LinearHead("stance", STANCE_LABELS, "stance/1", dims, w, np.array([0.1, 0.0, -0.1]), 1.5, {"a": 1})


@pytest.mark.parametrize("suffix", [".npz", ".json"])
def test_head_round_trips_without_pickle(tmp_path: Path, suffix: str) -> None:
    h = _head()
    back = load_head(save_head(h, tmp_path / f"h{suffix}"))
    rows = [([0, 3, len(STANCE_DENSE) + 2], [0.5, -1.0, 0.3]), ([], [])]
    assert np.allclose(back.proba(rows), h.proba(rows), atol=1e-5)
    assert back.temperature == 1.5
    assert back.meta == {"a": 1}


def test_head_refuses_a_pickled_file(tmp_path: Path) -> None:
    p = tmp_path / "bad.npz"
    np.save(p.with_suffix(".npy"), np.array([{"x": 1}], dtype=object), allow_pickle=True)
    p.write_bytes(p.with_suffix(".npy").read_bytes())
    with pytest.raises(ModelFileError):
        load_head(p)
    j = tmp_path / "other.json"
    j.write_text(json.dumps({"format": "x", "weights": [[0.0]], "bias": [0.0]}))
    with pytest.raises(ModelFileError):
        load_head(j)


def test_head_lexicon_only_ignores_hashed_columns() -> None:
    h = load_heads().stance
    assert h.dims == 0
    row = ([0, STANCE_COLUMNS + 12345], [1.0, 1.0])
    assert np.allclose(h.proba([row]), h.proba([([0], [1.0])]))


def test_head_fit_softmax_learns_a_separable_rule() -> None:
    lex = load_lexicon()
    good = ["Ode is a wonderful, brilliant leader.", "Ode won praise for excellent work."]
    bad = ["Ode is a horrible, corrupt liar.", "Ode spread hatred and misery."]
    rows, labels = [], []
    for texts, y in ((good, 2), (bad, 0)):
        for t in texts * 5:
            toks = Tokens.of(t, lex)
            rows.append(stance_row(toks, range(len(toks.words)), (0, 1), t, dims=64))
            labels.append(y)
    w, b = fit_softmax(rows, labels, ncols=STANCE_COLUMNS + 64, nlabels=3, l2=1e-3)
    h = LinearHead("stance", STANCE_LABELS, "stance/2", 64, w, b)
    pred = h.proba(rows).argmax(axis=1)
    assert list(pred) == labels


def test_stance_row_places_the_vectors_before_the_hashed_words() -> None:
    lex = load_lexicon()
    text = "Critics said Ode blocked the deal and misled voters."
    toks = Tokens.of(text, lex)
    view = list(range(len(toks.words)))
    target = (2, 3)
    whole, near, left, right = stance_texts(toks, view, target)
    assert whole.split()[2] == "ode"
    assert "ode" in near.split()
    assert left == "critics said"
    assert right.startswith("blocked the deal")
    vec = stance_vectors([(whole, near, left, right)])
    assert vec.shape == (1, STANCE_EMBED)
    assert np.linalg.norm(vec[0, :384]) == pytest.approx(1.0, abs=1e-4)
    row = stance_row(toks, view, target, text, dims=16)
    cols = np.array(row[0])
    # the vector columns are left free; hashed words come after them
    assert not ((cols >= len(STANCE_DENSE)) & (cols < STANCE_COLUMNS)).any()
    assert (cols[cols >= STANCE_COLUMNS] < STANCE_COLUMNS + 16).all()
    # the dense block gives the same probabilities as the same numbers spread into the row
    rng = np.random.default_rng(1)
    h = LinearHead(
        "stance", STANCE_LABELS, "stance/2", 16, rng.normal(size=(STANCE_COLUMNS + 16, 3)), np.zeros(3)
    )
    spread = (row[0] + list(range(len(STANCE_DENSE), STANCE_COLUMNS)), row[1] + [float(v) for v in vec[0]])
    assert np.allclose(h.proba(Batch([row], vec, len(STANCE_DENSE))), h.proba([spread]))
    x = design(Batch([row], vec, len(STANCE_DENSE)), STANCE_COLUMNS + 16)
    assert np.allclose(x.toarray()[0, len(STANCE_DENSE) : STANCE_COLUMNS], vec[0])


def test_text_vectors_equal_the_static_encoder_on_whole_texts() -> None:
    from counterpoint.slant.features import text_vectors
    from counterpoint.stories.static_encoder import load_static_encoder

    texts = ["critics said ode blocked the deal", "", "unbelievably misleading statements", "the the"]
    ours = text_vectors(texts)
    theirs = load_static_encoder()(texts)
    assert np.allclose(ours, theirs, atol=1e-5)
    assert not ours[1].any()


SEEDS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "seeds"


def test_bag_vectors_equal_the_text_vectors_on_a_seed_article() -> None:
    """The stage's vectors (one summed gather over token views) are the training path's (texts)."""
    import re

    from counterpoint.slant.features import bias_text, stance_view_vectors, text_vectors, view_vectors

    paths = sorted(SEEDS.glob("003_*.txt"))
    if not paths:
        pytest.skip(f"shared seed corpus not found at {SEEDS}")
    text = paths[0].read_text(encoding="utf-8")
    toks = Tokens.of(text, load_lexicon())
    pieces: list[tuple[list[int], tuple[int, int]]] = []
    views: list[list[int]] = []
    for m in re.finditer(r"[^.!?\n]+", text):
        view = [i for i, s in enumerate(toks.starts) if m.start() <= s < m.end()]
        views.append(view)
        # a view with a gap (as when a quote is cut out) and one target per capitalised word
        gapped = view[: len(view) // 3] + view[len(view) // 2 :]
        pieces.extend((v, (i, i + 1)) for i in view if toks.caps[i] for v in (view, gapped))
    pieces.append(([], (0, 1)))
    views.append([])
    assert len(pieces) > 100
    old = stance_vectors([stance_texts(toks, view, target) for view, target in pieces])
    new = stance_view_vectors(toks, pieces)
    assert new.shape == old.shape == (len(pieces), STANCE_EMBED)
    assert np.abs(new - old).max() < 1e-6
    assert not new[-1].any()
    old_b = text_vectors([bias_text(toks, v) for v in views])
    new_b = view_vectors(toks, views)
    assert np.abs(new_b - old_b).max() < 1e-6
    assert np.linalg.norm(new_b[0]) == pytest.approx(1.0, abs=1e-5)
    # rows need not arrive grouped: the same positions in a shuffled order give the same vectors
    from counterpoint.slant.features import bag_vectors

    rows = np.repeat(np.arange(len(views)), [len(v) for v in views])
    pos = np.array([i for v in views for i in v], dtype=np.int64)
    perm = np.random.default_rng(0).permutation(len(pos))
    shuffled = bag_vectors(toks, rows[perm], pos[perm], len(views))
    assert np.abs(shuffled - new_b).max() < 1e-6
    assert stance_view_vectors(toks, []).shape == (0, STANCE_EMBED)
    # a head without hashed columns gets the same lexicon features (the keys are skipped for it)
    for view, target in pieces[:40]:
        sent = text[toks.starts[view[0]] : toks.ends[view[-1]]] if view else ""
        plain = stance_row(toks, view, target, sent)
        hashed_row = stance_row(toks, view, target, sent, dims=64)
        keep = [k for k, c in enumerate(hashed_row[0]) if c < STANCE_COLUMNS]
        assert plain == ([hashed_row[0][k] for k in keep], [hashed_row[1][k] for k in keep])
        assert len(keep) < len(hashed_row[0])
