from __future__ import annotations

import re
import signal
import time

import pytest

from counterpoint.config import Settings
from counterpoint.errors import PipelineError
from counterpoint.factories import DEFAULT_STAGES, default_pipeline, stages_by_name
from counterpoint.model import Doc, RawDocument, content_id
from counterpoint.pipeline import InputTimeout, Pipeline, stage, time_budget


def _doc(body: str = "Some text.", language: str | None = None) -> Doc:
    doc = Doc.from_raw(RawDocument(content_id(body), "mem", body, "text"))
    return doc.with_article(language=language) if language else doc


@stage(needs=("raw",), provides=("upper",))
def upper(doc: Doc, settings: Settings) -> Doc:
    return doc.with_article(text=doc.raw.body.upper())


@stage(needs=("upper",), provides=("boom",))
def boom(doc: Doc, settings: Settings) -> Doc:
    raise RuntimeError("kaput")


@stage(needs=("upper",), provides=("tagged",), english_only=True)
def tagged(doc: Doc, settings: Settings) -> Doc:
    return doc.with_article(title="tagged")


def test_pipeline_rejects_unmet_needs() -> None:
    with pytest.raises(PipelineError, match="needs upper"):
        Pipeline.build([boom])


def test_pipeline_rejects_a_stage_twice() -> None:
    with pytest.raises(PipelineError, match="twice"):
        Pipeline.build([upper, upper])


def test_pipeline_failing_stage_becomes_a_skip_reason_not_a_crash() -> None:
    out = Pipeline.build([upper, boom]).run_batch([_doc(), _doc("Other.")], Settings(workers=1))
    assert [d.skipped for d in out] == ["internal error in stage boom: RuntimeError: kaput"] * 2
    assert out[0].article.text == "SOME TEXT."


def test_pipeline_english_only_stage_notes_other_languages() -> None:
    pipe = Pipeline.build([upper, tagged])
    fr, en = pipe.run_batch([_doc(language="fr"), _doc(language="en")], Settings(workers=1))
    assert fr.article.title is None
    assert fr.notes == (("tagged", "skipped: English-only stage, article language is 'fr'"),)
    assert en.article.title == "tagged"
    assert en.notes == ()


def test_pipeline_default_is_valid_and_registered_by_name() -> None:
    pipe = default_pipeline()
    assert [s.name for s in pipe.stages] == [s.name for s in DEFAULT_STAGES]
    assert {"text", "title", "outlet", "published", "language"} <= pipe.provides()
    assert set(stages_by_name()) == {s.name for s in DEFAULT_STAGES}


def test_pipeline_subset_from_settings() -> None:
    from counterpoint.errors import ConfigError
    from counterpoint.factories import pipeline_for

    assert [s.name for s in pipeline_for(Settings(stages="extract, metadata")).stages] == [
        "extract",
        "metadata",
    ]
    assert len(pipeline_for(Settings()).stages) == len(DEFAULT_STAGES)
    with pytest.raises(ConfigError, match="unknown stage"):
        pipeline_for(Settings(stages="extract,nope"))
    with pytest.raises(PipelineError, match="needs"):
        pipeline_for(Settings(stages="metadata"))


@stage(needs=("raw",), provides=("spin",))
def spin(doc: Doc, settings: Settings) -> Doc:
    try:
        while True:
            pass
    except Exception:  # noqa: BLE001 - a stage that swallows errors must not swallow the budget
        return doc


def test_pipeline_article_over_its_time_budget_is_skipped_and_the_batch_goes_on() -> None:
    pipe = Pipeline.build([spin], budget=0.3)
    quick = Pipeline.build([upper], budget=0.3)
    started = time.perf_counter()
    [slow] = pipe.run_batch([_doc()], Settings(workers=1))
    assert slow.skipped == "took longer than the time budget per article (0.3 s)"
    assert time.perf_counter() - started < 5
    [done] = quick.run_batch([_doc("fine")], Settings(workers=1))
    assert done.skipped is None
    assert done.article.text == "FINE"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no alarm left behind


def test_pipeline_time_budget_interrupts_a_backtracking_regex() -> None:
    evil = re.compile(r"(a+)+$")
    with pytest.raises(InputTimeout), time_budget(0.3):
        evil.match("a" * 40 + "b")
