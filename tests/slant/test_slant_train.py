from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from counterpoint.cli import main
from counterpoint.slant.targeted import load_heads
from counterpoint.slant.train import TrainDataError, read_examples, record_setting, train

GOOD = ["is a wonderful leader", "won praise for brilliant work", "was admired by all", "is a true hero"]
BAD = ["is a corrupt liar", "spread hatred and misery", "was condemned as a disgrace", "is a cruel bully"]
FLAT = ["met officials on Monday", "arrived in the capital", "spoke to reporters", "visited the plant"]
NAMES = ["Ode", "Vela", "Marsh", "Tunde", "Ilse", "Quon", "Bram", "Sato"]


def _stance_file(path: Path) -> Path:
    rows = []
    for name in NAMES:
        for label, phrases in ((1, GOOD), (-1, BAD), (0, FLAT)):
            for p in phrases:
                sentence = f"Minister {name} {p}."
                start = sentence.index(name)
                rows.append({"sentence": sentence, "from": start, "to": start + len(name), "polarity": label})
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


def test_train_stance_fits_scores_and_saves_a_head_the_stage_can_load(tmp_path: Path) -> None:
    res = train("stance", [_stance_file(tmp_path / "s.jsonl")], tmp_path / "model", dims=2048)
    assert res.path == tmp_path / "model" / "stance.npz"
    assert res.train + res.heldout == 96
    assert res.heldout > 5
    assert res.scores["trained"]["macro_f1"] >= 0.8  # the templates are separable
    assert set(res.scores) == {"trained", "shipped"}
    heads = load_heads(str(tmp_path / "model"))
    assert heads.stance.dims == 2048
    assert "stance" in heads.source
    assert heads.bias.meta == load_heads().bias.meta  # the head not trained stays the shipped one
    assert heads.stance.meta["heldout_scores"] == res.scores


def test_train_reads_csv_with_a_target_string_and_babe_style_bias(tmp_path: Path) -> None:
    csv_path = tmp_path / "s.csv"
    csv_path.write_text("sentence,target,polarity\n" + "Ode is a wonderful leader.,Ode,positive\n" * 25)
    ex = read_examples("stance", [csv_path])
    assert ex[0].target == (0, 3)
    assert ex[0].label == 2
    babe = tmp_path / "b.csv"
    babe.write_text("text;label_bias\n" + "A vile plan.;Biased\nThe plan passed.;Non-biased\n" * 12)
    labels = [e.label for e in read_examples("bias", [babe])]
    assert labels[:2] == [1, 0]
    with pytest.raises(TrainDataError):
        read_examples("bias", [csv_path])  # no usable "label" column: said so, not guessed


def test_train_record_setting_keeps_other_settings(tmp_path: Path) -> None:
    cfg = tmp_path / "counterpoint.toml"
    cfg.write_text("# mine\n[counterpoint]\nworkers = 2\n\n[counterpoint.clean]\nmin_words = 5\n")
    record_setting(cfg, "slant_model", "/a/b")
    record_setting(cfg, "slant_model", "/c")
    data = tomllib.loads(cfg.read_text())
    assert data["counterpoint"] == {"workers": 2, "slant_model": "/c", "clean": {"min_words": 5}}
    assert cfg.read_text().startswith("# mine")
    new = record_setting(tmp_path / "new.toml", "slant_model", "/x")
    assert tomllib.loads(new.read_text()) == {"counterpoint": {"slant_model": "/x"}}


def test_train_cli_records_the_model_in_config(tmp_path: Path) -> None:
    data = _stance_file(tmp_path / "s.jsonl")
    cfg = tmp_path / "counterpoint.toml"
    cfg.write_text("[counterpoint]\nworkers = 1\n")
    out = tmp_path / "m"
    args = ["--config", str(cfg), "--json", "train", "stance", str(data), "--out", str(out), "--dims", "512"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output.strip().splitlines()[-1])
    assert payload["model"] == str(out / "stance.npz")
    assert set(payload["heldout"]) == {"trained", "shipped"}
    shown = CliRunner().invoke(main, ["--config", str(cfg), "config"])
    assert json.loads(shown.output)["slant_model"] == str(out)


LOADED = [
    "The reckless radicals rammed through a disastrous, shameful scheme",
    "Corrupt elites cynically smeared the brave whistleblower again",
    "The outrageous, hateful mob shamelessly trashed the neighbourhood",
    "A spineless council caved to the vicious, lying extremists",
]
PLAIN = [
    "The council approved the budget on Tuesday after a short debate",
    "Officials said the bridge will reopen to traffic next month",
    "The committee published its annual report on water quality",
    "Voters in the district will elect two new members in May",
]
PLACES = ["Leeds", "Ghent", "Turku", "Braga", "Lodz", "Split", "Varna", "Cork", "Brno", "Graz"]


def _bias_file(path: Path) -> Path:
    rows = ["text;label_bias"]
    for place in PLACES:
        rows += [f"In {place}, {s.lower()}.;Biased" for s in LOADED]
        rows += [f"In {place}, {s.lower()}.;Non-biased" for s in PLAIN]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bias_heads(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A bias/3 head (MiniLM vector) and a bias/2 head (static only), trained on the same 80 rows."""
    tmp = tmp_path_factory.mktemp("bias")
    data = _bias_file(tmp / "b.csv")
    train("bias", [data], tmp / "context", dims=1024)
    train("bias", [data], tmp / "static", dims=1024, context=False)
    return tmp / "context", tmp / "static"


def test_train_bias_adds_the_minilm_vector_unless_static_only(bias_heads: tuple[Path, Path]) -> None:
    from counterpoint.slant.features import BIAS_COLUMNS, BIAS_CONTEXT_COLUMNS, EMBED_DIM

    context, static = (load_heads(str(p)).bias for p in bias_heads)
    assert context.features == "bias/3"
    assert static.features == "bias/2"
    assert context.weights.shape == (BIAS_CONTEXT_COLUMNS + 1024, 2)
    assert static.weights.shape == (BIAS_COLUMNS + 1024, 2)
    assert BIAS_CONTEXT_COLUMNS == BIAS_COLUMNS + EMBED_DIM
    # the MiniLM columns carry weight, and both heads separate the templates on the held-out fifth
    assert np.abs(context.weights[BIAS_COLUMNS:BIAS_CONTEXT_COLUMNS]).max() > 1e-3
    for h in (context, static):
        assert h.meta["heldout_scores"]["trained"]["macro_f1"] >= 0.9
    assert "MiniLM sentence vector (384)" in context.meta["dense"]


def test_stage_scores_sentences_as_training_does_with_a_bias3_head(bias_heads: tuple[Path, Path]) -> None:
    """The stage's rows (token views, MiniLM of the outlet's words) are the training rows."""
    from counterpoint.model import Article
    from counterpoint.slant.lexicon import load_lexicon
    from counterpoint.slant.stage import analyse_slant
    from counterpoint.slant.train import Example, head_rows

    sentences = [
        "In Oslo, the shameless, lying cowards sabotaged the whole reckless plan.",
        "In Oslo, the mayor opened a new library on Friday morning.",
    ]
    text = " ".join(sentences)
    spans = [(0, len(sentences[0])), (len(sentences[0]) + 1, len(text))]
    for folder in bias_heads:
        heads = load_heads(str(folder))
        res = analyse_slant(Article("a", "-", text), spans, [], [], heads=heads)
        rows = head_rows(heads.bias, [Example(s, 0) for s in sentences], load_lexicon())
        p = heads.bias.proba(rows)[:, 1]
        assert res.sentences == 2
        assert res.sentence_bias == pytest.approx(float(p.mean()), abs=1e-4)
        assert p[0] > 0.5 > p[1]  # words the templates never held, still read as loaded / plain
        assert res.model == heads.source


def test_load_heads_refuses_a_bias_head_of_unknown_features(tmp_path: Path) -> None:
    from dataclasses import replace

    from counterpoint.slant.head import ModelFileError, save_head

    save_head(replace(load_heads().bias, features="bias/9"), tmp_path / "bias.npz")
    with pytest.raises(ModelFileError, match="bias/9"):
        load_heads(str(tmp_path))


def test_stage_reuses_the_stored_minilm_vectors_for_a_bias3_head(bias_heads: tuple[Path, Path]) -> None:
    """A sentence the ``vectors`` stage embedded is not embedded again: its stored vector is read."""
    from counterpoint.model import Article, Vector
    from counterpoint.slant.features import context_vectors
    from counterpoint.slant.head import Batch
    from counterpoint.slant.lexicon import load_lexicon
    from counterpoint.slant.stage import analyse_slant
    from counterpoint.slant.train import Example, head_rows

    loaded = "In Oslo, the shameless, lying cowards sabotaged the whole reckless plan."
    plain = "In Oslo, the mayor opened a new library on Friday morning."
    text = f"{loaded} {plain}"
    spans = [(0, len(loaded)), (len(loaded) + 1, len(text))]
    from dataclasses import replace

    trained = load_heads(str(bias_heads[0]))
    # softened, so that a changed vector shows in the probabilities of a head sure of these templates
    heads = replace(trained, bias=replace(trained.bias, temperature=40.0))
    rows = head_rows(heads.bias, [Example(loaded, 0), Example(plain, 0)], load_lexicon())
    assert rows.vectors is not None
    mini = context_vectors([loaded, plain])
    # the loaded sentence stored with the plain one's vector (as if the vectors stage had seen it so)
    swapped = rows.vectors.copy()
    swapped[0, 384:] = mini[1]
    expect = heads.bias.proba(Batch(rows.rows, swapped, rows.at))[:, 1].mean()
    stored = [
        Vector("sentence", *spans[0], "minilm", mini[1].astype(np.float32).tobytes()),
        Vector("sentence", *spans[0], "static", mini[0].astype(np.float32).tobytes()),  # another encoder
        Vector("lead", 0, 0, "minilm", mini[0].astype(np.float32).tobytes()),
    ]
    res = analyse_slant(Article("a", "-", text), spans, [], [], heads=heads, vectors=stored)
    plain_res = analyse_slant(Article("a", "-", text), spans, [], [], heads=heads)
    assert res.sentence_bias == pytest.approx(float(expect), abs=1e-5)
    assert res.sentence_bias < plain_res.sentence_bias - 0.003  # the stored vector was read
    # the shipped and bias/2 heads never read stored vectors
    static = load_heads(str(bias_heads[1]))
    assert plain_res.sentence_bias == pytest.approx(float(heads.bias.proba(rows)[:, 1].mean()), abs=1e-5)
    article = Article("a", "-", text)
    a = analyse_slant(article, spans, [], [], heads=static, vectors=stored)
    assert a.sentence_bias == analyse_slant(article, spans, [], [], heads=static).sentence_bias


def test_train_cli_static_only_trains_a_bias2_head(tmp_path: Path) -> None:
    data = _bias_file(tmp_path / "b.csv")
    out = tmp_path / "m"
    args = [
        "--json",
        "train",
        "bias",
        str(data),
        "--out",
        str(out),
        "--dims",
        "256",
        "--static-only",
        "--no-config",
    ]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output.strip().splitlines()[-1])
    assert payload["model"] == str(out / "bias.npz")
    assert payload["recorded_in"] is None
    head = load_heads(str(out)).bias
    assert head.features == "bias/2"
    assert head.weights.shape[0] == 10 + 384 + 256
