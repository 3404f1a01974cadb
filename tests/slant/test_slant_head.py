from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from counterpoint.slant.features import STANCE_DENSE, Tokens, stance_row
from counterpoint.slant.fit import fit_softmax
from counterpoint.slant.head import STANCE_LABELS, LinearHead, ModelFileError, load_head, save_head
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
    row = ([0, len(STANCE_DENSE) + 12345], [1.0, 1.0])
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
    w, b = fit_softmax(rows, labels, ncols=len(STANCE_DENSE) + 64, nlabels=3, l2=1e-3)
    h = LinearHead("stance", STANCE_LABELS, "stance/1", 64, w, b)
    pred = h.proba(rows).argmax(axis=1)
    assert list(pred) == labels
