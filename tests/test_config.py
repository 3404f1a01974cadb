from __future__ import annotations

from pathlib import Path

import pytest

from counterpoint.config import load_settings
from counterpoint.errors import ConfigError


def test_config_file_then_env_then_overrides(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[counterpoint]\nbatch_size = 7\nworkers = 3\nmin_words = 5\n", encoding="utf-8")
    s = load_settings(cfg, env={"COUNTERPOINT_WORKERS": "2"}, batch_size=None, db="x.db")
    assert (s.batch_size, s.workers, s.min_words, s.db) == (7, 2, 5, "x.db")


def test_config_unknown_key_is_an_error(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[counterpoint]\nbatchsize = 7\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown setting 'batchsize'"):
        load_settings(cfg, env={})


def test_config_bad_value_is_an_error() -> None:
    with pytest.raises(ConfigError, match="workers"):
        load_settings(None, env={"COUNTERPOINT_WORKERS": "many"})


def test_config_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", env={})


def test_config_engine_and_ray_address() -> None:
    settings = load_settings(env={"COUNTERPOINT_ENGINE": "ray", "COUNTERPOINT_RAY_ADDRESS": "10.0.0.5:6379"})
    assert (settings.engine, settings.ray_address) == ("ray", "10.0.0.5:6379")
    assert load_settings(env={}).engine == "local"
    with pytest.raises(ConfigError, match="engine 'spark' is not known"):
        load_settings(env={}, engine="spark")
