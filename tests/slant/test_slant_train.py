from __future__ import annotations

import json
import tomllib
from pathlib import Path

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
