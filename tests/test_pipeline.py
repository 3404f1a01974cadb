from __future__ import annotations

import pytest

from counterpoint.config import Settings
from counterpoint.errors import PipelineError
from counterpoint.factories import DEFAULT_STAGES, default_pipeline, stages_by_name
from counterpoint.model import Doc, RawDocument, content_id
from counterpoint.pipeline import Pipeline, stage


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
