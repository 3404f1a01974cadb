"""``counterpoint export``: one kind of record from the store as JSON, JSON Lines, CSV or Parquet.

Every format has the same columns (``COLUMNS``); list and object fields are JSON
text in CSV and Parquet and native in JSON/JSONL. Records are streamed, so a
large store never sits in memory (Parquet is written in row groups), and the
file is moved into place only when complete. Parquet needs pyarrow, an optional
extra: ``pip install 'counterpoint[parquet]'``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from counterpoint.errors import CounterpointError
from counterpoint.report.analysis import article_record
from counterpoint.store import Store

FORMATS = ("json", "jsonl", "csv", "parquet")
#: Column name -> type (str, int, float, json) for every kind of record, in output order.
COLUMNS: dict[str, dict[str, str]] = {
    "articles": {
        "id": "str", "source": "str", "title": "str", "outlet": "str", "author": "str", "published": "str",
        "dateline": "str", "language": "str", "url": "str", "text": "str", "duplicate_of": "str",
        "removed": "json", "notes": "json",
    },
    "entities": {"id": "str", "name": "str", "type": "str", "aliases": "json", "mentions": "int"},
    "quotes": {
        "article_id": "str", "start": "int", "end": "int", "text": "str", "speaker": "str",
        "speaker_start": "int", "speaker_end": "int", "cue": "str", "speaker_entity_id": "str",
    },
    "numbers": {
        "article_id": "str", "start": "int", "end": "int", "text": "str", "value": "float", "unit": "str",
        "qualifier": "str", "kind": "str",
    },
    "dates": {
        "article_id": "str", "start": "int", "end": "int", "text": "str", "value": "str", "precision": "str",
        "sentence_start": "int", "sentence_end": "int",
    },
    "events": {
        "id": "str", "source": "str", "source_country": "str", "source_sector": "str", "target": "str",
        "target_country": "str", "target_sector": "str", "type": "str", "cameo": "str", "mode": "str",
        "act": "int", "date": "str", "precision": "str", "score": "float", "reports": "int",
        "outlets": "json", "evidence": "json", "confidence": "float",
    },
    "relations": {"pair": "str", "period": "str", "events": "int", "score": "float", "event_ids": "json"},
}  # fmt: skip
WHAT = tuple(COLUMNS)
#: the kinds read from the merged events rather than from the articles' layers
EVENT_KINDS = ("events", "relations")
PARQUET_BATCH = 5000


class ExportError(CounterpointError):
    """The export cannot be written as asked."""

    exit_code = 2


def _event_records(store: Store, what: str) -> Iterator[dict[str, Any]]:
    """Events flattened (actors as name, country and sector columns), or one row per relation point."""
    if what == "relations":
        for rel in store.relations_for_output():
            for p in rel["series"]:
                yield {"pair": rel["pair"], **p}
        return
    for e in store.events_for_output():
        src, tgt = e["source"], e["target"]
        yield {
            **{k: v for k, v in e.items() if k not in {"source", "target"}},
            "act": int(e["act"]),
            "source": src["name"], "source_country": src["country"], "source_sector": src["sector"],
            "target": tgt["name"], "target_country": tgt["country"], "target_sector": tgt["sector"],
        }  # fmt: skip


def records(store: Store, what: str) -> Iterator[dict[str, Any]]:
    """The records of one kind, as flat dicts with exactly the columns of ``COLUMNS[what]``."""
    if what == "entities":
        for e in store.iter_entities():
            yield {
                "id": e.id,
                "name": e.name,
                "type": e.type,
                "aliases": list(e.aliases),
                "mentions": e.mentions,
            }
        return
    if what in ("events", "relations"):
        yield from _event_records(store, what)
        return
    speakers: dict[str, str | None] = {}
    for sa in store.iter_articles():
        if what == "articles":
            yield article_record(sa)
            continue
        layers = store.article_items(sa.article.id, sa.article.text)
        if what == "quotes":
            for q in layers.get("quote", ()):
                eid = q.speaker_entity_id
                if q.speaker and not eid:
                    if q.speaker not in speakers:
                        speakers[q.speaker] = store.entity_for(q.speaker)
                    eid = speakers[q.speaker]
                sp = q.speaker_span
                yield {
                    **q.span.to_dict(), "speaker": q.speaker, "speaker_start": sp.start if sp else None,
                    "speaker_end": sp.end if sp else None, "cue": q.cue, "speaker_entity_id": eid,
                }  # fmt: skip
        elif what == "numbers":
            for n in layers.get("number", ()):
                yield n.to_dict()
        elif what == "dates":
            for t in layers.get("time", ()):
                rec = t.to_dict()
                del rec["sentence"]
                yield {**rec, "sentence_start": t.sentence.start, "sentence_end": t.sentence.end}


def _flat(rec: dict[str, Any], cols: dict[str, str]) -> dict[str, Any]:
    """The record with exactly these columns; JSON-typed values as JSON text."""
    return {
        k: json.dumps(rec.get(k), ensure_ascii=False)
        if t == "json" and rec.get(k) is not None
        else rec.get(k)
        for k, t in cols.items()
    }


def _write_text(rows: Iterator[dict[str, Any]], cols: dict[str, str], fmt: str, f: IO[str]) -> int:
    n = 0
    if fmt == "csv":
        writer = csv.DictWriter(f, fieldnames=list(cols), lineterminator="\n")
        writer.writeheader()
        for rec in rows:
            writer.writerow(_flat(rec, cols))
            n += 1
        return n
    if fmt == "json":
        f.write("[")
    for rec in rows:
        line = json.dumps({k: rec.get(k) for k in cols}, ensure_ascii=False)
        if fmt == "json":
            f.write(("," if n else "") + "\n" + line)
        else:
            f.write(line + "\n")
        n += 1
    if fmt == "json":
        f.write("\n]\n")
    return n


def _arrow_schema(cols: dict[str, str]) -> Any:
    import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no type information

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "json": pa.string()}
    return pa.schema([(k, types[t]) for k, t in cols.items()])


def _write_parquet(rows: Iterator[dict[str, Any]], cols: dict[str, str], path: Path) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq  # type: ignore[import-untyped]  # pyarrow ships no type information
    except ImportError:
        raise ExportError(
            "Parquet export needs pyarrow: pip install 'counterpoint[parquet]' (or use --format csv/jsonl)"
        ) from None
    schema = _arrow_schema(cols)
    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        batch: list[dict[str, Any]] = []
        for rec in rows:
            batch.append(_flat(rec, cols))
            if len(batch) >= PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            n += len(batch)
    return n


def export(store: Store, *, what: str, fmt: str, out: str | os.PathLike[str]) -> int:
    """Write every record of kind ``what`` to ``out`` (``-``: stdout) in ``fmt``; return the count."""
    if what not in COLUMNS:
        raise ExportError(f"cannot export {what!r}; choose one of {', '.join(WHAT)}")
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    cols = COLUMNS[what]
    rows = records(store, what)
    if str(out) == "-":
        if fmt == "parquet":
            raise ExportError("Parquet cannot be written to standard output; give --out FILE.parquet")
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=True)
        try:
            return _write_text(rows, cols, fmt, stream)
        finally:
            stream.detach()
    path = Path(out)
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name such as {path}/{what}.{fmt}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        if fmt == "parquet":
            n = _write_parquet(rows, cols, tmp)
        else:
            with tmp.open("w", encoding="utf-8", newline="") as f:
                n = _write_text(rows, cols, fmt, f)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return n
