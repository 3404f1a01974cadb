"""Thin command-line layer: each command parses options and calls one library function.

Exit codes (also in ``counterpoint --help`` and docs/cli.md):
  0  success (inputs that could not be read are reported, not fatal)
  1  unexpected error
  2  bad usage or invalid configuration
  3  the store could not be opened
  4  the pipeline could not be built
  5  no article could be read from the inputs given
  130 interrupted (everything committed before the interrupt is kept)
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import click

from counterpoint import __version__
from counterpoint.config import Settings, load_settings
from counterpoint.errors import CounterpointError
from counterpoint.factories import pipeline_for
from counterpoint.report import write_analysis, write_report
from counterpoint.runners import engine_for
from counterpoint.runners.local import Progress, RunStats, run
from counterpoint.store import Store, open_store
from counterpoint.store.dialect import redact

log = logging.getLogger("counterpoint")

EXIT_NO_ARTICLES = 5
EXIT_HELP = """
\b
Exit codes:
  0    success (unreadable inputs are reported, not fatal)
  1    unexpected error
  2    bad usage or invalid configuration
  3    the store could not be opened
  4    the pipeline could not be built
  5    no article could be read from the inputs given
  130  interrupted (everything committed before is kept)
"""


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "msg": record.getMessage(),
        }
        extra = getattr(record, "data", None)
        if isinstance(extra, dict):
            payload.update(extra)
        return json.dumps(payload, ensure_ascii=False)


def _setup_logging(as_json: bool, verbose: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_JsonFormatter() if as_json else logging.Formatter("%(levelname)s: %(message)s"))
    root = logging.getLogger("counterpoint")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose > 1 else logging.INFO if verbose or as_json else logging.WARNING)
    root.propagate = False


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    """A rich progress bar on a terminal; nothing otherwise (pipes, CI, --json)."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        transient=True,
    ) as bar:  # fmt: skip
        tasks: dict[str, Any] = {}

        def update(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield update


def _settings(ctx: click.Context, **overrides: Any) -> Settings:
    try:
        return load_settings(ctx.obj.get("config"), **overrides)
    except CounterpointError as exc:
        raise click.UsageError(str(exc)) from exc


def _open(settings: Settings) -> Store:
    return open_store(settings.db)


def _slant_model(settings: Settings) -> str:
    """Which slant heads a run uses (the shipped ones, or the folder ``counterpoint train`` wrote)."""
    from counterpoint.slant.targeted import load_heads

    try:
        return load_heads(settings.slant_model).source
    except CounterpointError as exc:
        raise click.UsageError(str(exc)) from exc


def _summary(
    stats: RunStats, store: Store, outputs: list[Path], as_json: bool, slant_model: str | None = None
) -> None:
    counts = store.counts()
    data = {
        **stats.to_dict(),
        "store": redact(store.url),
        "store_counts": counts,
        "outputs": [str(p) for p in outputs],
    }
    if slant_model is not None:
        data["slant_model"] = slant_model
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(stderr=False, highlight=False)
    table = Table(title="Counterpoint run", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    table.add_row("inputs read", str(stats.inputs_read))
    table.add_row("new articles", str(stats.articles))
    table.add_row("already in the store", str(stats.already_stored))
    table.add_row("exact duplicates (store)", str(counts["duplicates"]))
    table.add_row("skipped", str(stats.skipped))
    for reason, n in stats.reasons.most_common(6):
        table.add_row("", f"{n} × {reason}")
    table.add_row("articles in store", str(counts["articles"]))
    table.add_row("entities", str(stats.entities))
    if stats.stories:
        table.add_row(
            "stories / storylines",
            f"{stats.stories.get('stories', 0)} / {stats.stories.get('storylines', 0)}",
        )
    if stats.claims:
        table.add_row(
            "claims / conflicting / timeline events",
            # store totals, like the other rows: a re-run that recomputes nothing still shows them
            f"{stats.claims.get('claims_total', 0)} / {stats.claims.get('conflicting_total', 0)}"
            f" / {stats.claims.get('timeline_events', 0)}",
        )
    if slant_model is not None:
        table.add_row("slant heads", slant_model)
    table.add_row("time", f"{stats.seconds:.1f} s")
    if stats.phases:  # where the time went: the three longest phases
        top = sorted(stats.phases.items(), key=lambda kv: -kv[1])[:3]
        table.add_row("longest steps", ", ".join(f"{name} {s:.1f} s" for name, s in top))
    for p in outputs:
        table.add_row("wrote", str(p))
    console.print(table)


def _ingest(
    ctx: click.Context, paths: tuple[str, ...], settings: Settings, reprocess: bool, recluster: bool = False
) -> RunStats:
    if not paths and not reprocess and not recluster:
        raise click.UsageError("give at least one PATH (a file, folder, glob, or - for standard input)")
    store = _open(settings)
    ctx.call_on_close(store.close)
    ctx.obj["store"] = store
    if recluster:
        # stories are never re-clustered on their own (new articles join existing ones); after an
        # upgrade that changes clustering, this forgets them (and the claims compared over them)
        # so the run clusters every article again
        store.reset_stories()
        log.info("forgot every story: all stored articles will be clustered again")
    if reprocess:
        n = store.mark_all_pending()
        store.reset_claims()  # claims read the language layers, which the stages are about to redo
        log.info("queued %d stored inputs for the stages again", n, extra={"data": {"requeued": n}})
    pipeline = pipeline_for(settings)
    show = sys.stderr.isatty() and not ctx.obj["json"]
    stdin = sys.stdin.buffer if "-" in paths else None
    engine = engine_for(settings)
    try:
        with _progress(show) as progress:
            stats = run(
                store,
                list(paths),
                pipeline,
                settings,
                stdin=stdin,
                progress=progress,
                command=ctx.info_name or "",
                engine=engine,
            )
    finally:
        engine.close()
    log.info("run finished", extra={"data": stats.to_dict()})
    return stats


_common = [
    click.option(
        "--db",
        default=None,
        help="Store: a SQLite file path, sqlite:///path or postgresql://user@host:port/db"
        " (default counterpoint.db).",
    ),
    click.option(
        "--workers", type=click.IntRange(min=1), default=None, help="Worker processes (default: cores)."
    ),
    click.option(
        "--batch-size", type=click.IntRange(min=1), default=None, help="Articles per batch/transaction."
    ),
    click.option(
        "--engine", type=click.Choice(["local", "ray"]), default=None,
        help="Where the stages run: local worker processes (default) or a Ray cluster ([ray] extra).",
    ),
    click.option(
        "--ray-address", default=None,
        help="With --engine ray: the cluster to join (HOST:PORT or auto); default a private local one.",
    ),
]  # fmt: skip


def _with_common(fn: Callable[..., Any]) -> Callable[..., Any]:
    for opt in reversed(_common):
        fn = opt(fn)
    return fn


@click.group(epilog=EXIT_HELP, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="counterpoint")
@click.option("--config", "config", type=click.Path(dir_okay=False), default=None,
              help="Settings file (default ./counterpoint.toml if present).")  # fmt: skip
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Machine output: JSON log lines on stderr, JSON summary on stdout.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, config: str | None, as_json: bool, verbose: int) -> None:
    """Counterpoint: read many news articles and show each story from every side, with evidence.

    Typical use: counterpoint analyze ARTICLES/ --out out/  then open out/report.html.
    Settings come from defaults, then counterpoint.toml, then COUNTERPOINT_* environment variables,
    then options.
    """
    ctx.ensure_object(dict)
    ctx.obj.update(config=config, json=as_json)
    _setup_logging(as_json, verbose)


@main.command(epilog=EXIT_HELP)
@click.argument("paths", nargs=-1)
@click.option("--out", "out", type=click.Path(file_okay=False), required=True,
              help="Folder for analysis.json and report.html (created if missing).")  # fmt: skip
@_with_common
@click.option(
    "--reprocess", is_flag=True, help="Run the stages again over every stored input (after an upgrade)."
)
@click.option(
    "--recluster", is_flag=True,
    help="Forget every story and cluster all stored articles again (after an upgrade of story clustering).",
)  # fmt: skip
@click.pass_context
def analyze(
    ctx: click.Context, /, paths: tuple[str, ...], out: str, reprocess: bool, recluster: bool, **opts: Any
) -> None:
    """Ingest, clean and store PATHS, then write OUT/analysis.json and OUT/report.html.

    PATHS are files, folders (read recursively), globs, or - for standard input. Text, Markdown, HTML,
    JSON, JSON Lines and WARC(.gz) are recognised. Inputs that cannot be read are skipped with a
    one-line reason; re-running on the same inputs adds nothing.
    """
    settings = _settings(ctx, **opts)
    slant_model = _slant_model(settings)  # a bad slant_model fails here, before any work
    stats = _ingest(ctx, paths, settings, reprocess, recluster)
    store: Store = ctx.obj["store"]
    outputs = _write_outputs(store, Path(out), settings, stats.phases)
    _summary(stats, store, outputs, ctx.obj["json"], slant_model)
    if store.counts()["articles"] == 0:
        raise SystemExit(EXIT_NO_ARTICLES)


@main.command(epilog=EXIT_HELP)
@click.argument("paths", nargs=-1)
@_with_common
@click.option(
    "--reprocess", is_flag=True, help="Run the stages again over every stored input (after an upgrade)."
)
@click.pass_context
def ingest(ctx: click.Context, /, paths: tuple[str, ...], reprocess: bool, **opts: Any) -> None:
    """Ingest, clean and store PATHS (files, folders, globs, or - for stdin) without writing a report."""
    settings = _settings(ctx, **opts)
    slant_model = _slant_model(settings)  # a bad slant_model fails here, before any work
    stats = _ingest(ctx, paths, settings, reprocess)
    store: Store = ctx.obj["store"]
    _summary(stats, store, [], ctx.obj["json"], slant_model)
    if stats.articles == 0 and stats.already_stored == 0 and store.counts()["articles"] == 0:
        raise SystemExit(EXIT_NO_ARTICLES)


@main.command(epilog=EXIT_HELP)
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--out", "out", type=click.Path(file_okay=False), required=True,
              help="Folder for analysis.json and report.html, rewritten after every batch.")  # fmt: skip
@_with_common
@click.option("--interval", type=click.FloatRange(min=0.05), default=2.0, show_default=True,
              help="Seconds between two looks at FOLDER.")  # fmt: skip
@click.pass_context
def watch(ctx: click.Context, /, folder: str, out: str, interval: float, **opts: Any) -> None:
    """Analyse the files that appear in FOLDER as they arrive, until Ctrl-C.

    A file is taken once its size and time stay the same between two looks; each batch of new
    files runs like 'analyze' (new articles join the stories already stored) and OUT/analysis.json
    and OUT/report.html are rewritten. Ctrl-C finishes and commits the batch in progress, then exits
    with 130; a second Ctrl-C stops at once (what was committed is kept).
    """
    from counterpoint.runners.watch import watch as watch_folder

    settings = _settings(ctx, **opts)
    _slant_model(settings)  # a bad slant_model fails here, before any work
    store = _open(settings)
    ctx.call_on_close(store.close)
    pipeline = pipeline_for(settings)
    stopping = threading.Event()

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        if stopping.is_set():
            raise KeyboardInterrupt
        stopping.set()
        click.echo("stopping after the batch in progress (Ctrl-C again to stop at once)", err=True)

    def on_batch(files: list[str], stats: RunStats) -> None:
        outputs = _write_outputs(store, Path(out), settings)
        counts = store.counts()
        data = {**stats.to_dict(), "files": len(files), "store_counts": counts,
                "outputs": [str(p) for p in outputs]}  # fmt: skip
        log.info("watch batch finished", extra={"data": data})
        if ctx.obj["json"]:
            click.echo(json.dumps(data, ensure_ascii=False))
        else:
            click.echo(
                f"{time.strftime('%H:%M:%S')} {len(files)} file(s): {stats.articles} new article(s),"
                f" {stats.skipped} skipped; {counts['articles']} articles,"
                f" {stats.stories.get('stories', 0)} stories in the store; wrote {out}"
            )

    previous = signal.signal(signal.SIGINT, on_sigint)
    engine = engine_for(settings, ignore_sigint=True)
    try:
        if not ctx.obj["json"]:
            click.echo(f"watching {folder} (Ctrl-C to stop)", err=True)
        watch_folder(store, Path(folder), pipeline, settings, engine=engine, stop=stopping.is_set,
                     on_batch=on_batch, interval=interval)  # fmt: skip
    finally:
        engine.close()
        signal.signal(signal.SIGINT, previous)
    click.echo("stopped; everything committed so far is kept", err=True)
    raise SystemExit(130)


@main.command(epilog=EXIT_HELP)
@click.option("--out", "out", type=click.Path(file_okay=False), required=True,
              help="Folder for analysis.json and report.html (created if missing).")  # fmt: skip
@click.option(
    "--db",
    default=None,
    help="Store: a SQLite file path, sqlite:///path or postgresql://user@host:port/db"
    " (default counterpoint.db).",
)
@click.pass_context
def report(ctx: click.Context, out: str, db: str | None) -> None:
    """Write OUT/analysis.json and OUT/report.html from what the store holds."""
    settings = _settings(ctx, db=db)
    if not Path(settings.db).exists() and "://" not in settings.db:
        raise click.UsageError(
            f"no store at {settings.db}; run 'counterpoint ingest PATH...' first or pass --db"
        )
    store = _open(settings)
    ctx.call_on_close(store.close)
    started = time.perf_counter()
    outputs = _write_outputs(store, Path(out), settings)
    stats = RunStats(seconds=time.perf_counter() - started)
    _summary(stats, store, outputs, ctx.obj["json"])


@main.command("config")
@click.pass_context
def config_cmd(ctx: click.Context) -> None:
    """Print the settings in force (defaults < counterpoint.toml < COUNTERPOINT_* env) as JSON."""
    settings = _settings(ctx).to_dict()
    settings["db"] = redact(str(settings.get("db", "")))  # a password in a database URL is never shown
    click.echo(json.dumps(settings, indent=2))


@main.command(epilog=EXIT_HELP)
@click.argument("head", type=click.Choice(["stance", "bias"]))
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out", type=click.Path(file_okay=False), default=None,
              help="Folder for the head (default: slant_model, else ./counterpoint-slant).")  # fmt: skip
@click.option("--dims", type=click.IntRange(min=0), default=1 << 18, show_default=True,
              help="Hashed word columns; 0 trains a lexicon-only head like the shipped one.")  # fmt: skip
@click.option("--static-only", is_flag=True,
              help="Bias head: leave out the MiniLM sentence vector, so the slant stage embeds no "
                   "sentence with MiniLM (much faster, a little less accurate; docs/slant.md).")  # fmt: skip
@click.option(
    "--no-config", is_flag=True, help="Do not record the folder as slant_model in counterpoint.toml."
)
@click.pass_context
def train(
    ctx: click.Context,
    head: str,
    data: tuple[str, ...],
    out: str | None,
    dims: int,
    static_only: bool,
    no_config: bool,
) -> None:
    """Fit the HEAD slant head (stance or bias) on labelled DATA files (JSONL/CSV; see docs/slant.md).

    One row in five is held out and scored beside the shipped head; the head is saved as
    OUT/HEAD.npz and OUT is recorded as slant_model in counterpoint.toml, so the next run uses it.
    """
    from counterpoint.slant.train import record_setting
    from counterpoint.slant.train import train as train_head

    settings = _settings(ctx)
    folder = Path(out or settings.slant_model or "counterpoint-slant").expanduser().resolve()
    result = train_head(head, data, folder, dims=dims, context=not static_only)
    config_file = None if no_config else record_setting(ctx.obj.get("config") or "counterpoint.toml",
                                                        "slant_model", str(folder))  # fmt: skip
    payload = {
        "head": head, "model": str(result.path), "train_rows": result.train, "heldout_rows": result.heldout,
        "heldout": result.scores, "recorded_in": str(config_file) if config_file else None,
    }  # fmt: skip
    if ctx.obj["json"]:
        click.echo(json.dumps(payload))
        return
    click.echo(f"trained {head} head on {result.train} rows; held-out {result.heldout} rows:")
    for name, sc in result.scores.items():
        click.echo(f"  {name:8s} macro-F1 {sc['macro_f1']:.3f}  accuracy {sc['accuracy']:.3f}")
    click.echo(f"saved {result.path}")
    if config_file:
        click.echo(f"recorded slant_model = {folder} in {config_file}")


def _existing_db(ctx: click.Context, db: str | None) -> str:
    settings = _settings(ctx, db=db)
    if settings.db.startswith(("postgres://", "postgresql://")):
        return settings.db  # a server store: open_store / the web app say so if it is not there
    path = settings.db.removeprefix("sqlite:///")
    if "://" in path or not Path(path).is_file():
        raise click.UsageError(
            f"no store at {settings.db}; run 'counterpoint ingest PATH...' first or pass --db"
        )
    return path


@main.command(epilog=EXIT_HELP)
@click.option(
    "--db",
    default=None,
    help="Store: a SQLite file path, sqlite:///path or postgresql://user@host:port/db"
    " (default counterpoint.db).",
)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback needs --token.")  # fmt: skip
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on."
)
@click.option("--token", envvar="COUNTERPOINT_TOKEN", default=None,
              help="Access token (env COUNTERPOINT_TOKEN): every request must send it as"
                   " 'Authorization: Bearer TOKEN', or open any page once with ?token=TOKEN.")  # fmt: skip
@click.pass_context
def serve(ctx: click.Context, db: str | None, host: str, port: int, token: str | None) -> None:
    """Browse the store in a web browser and over a JSON API (/api/v1/, /openapi.json); read-only.

    Serves http://HOST:PORT/ until interrupted. Binds to 127.0.0.1 unless told otherwise;
    binding to any other address requires --token.
    """
    from counterpoint.web import serve as run_server
    from counterpoint.web.auth import check_bind

    path = _existing_db(ctx, db)
    check_bind(host, token or None)  # refuse before announcing an address that will not be served
    leans = None
    lean_file = _settings(ctx).outlet_lean
    if lean_file:
        from counterpoint.slant.lean import load_leans

        leans = load_leans(lean_file)
    if not ctx.obj["json"]:
        click.echo(
            f"Counterpoint: serving {redact(path)} at http://{host}:{port}/ (Ctrl+C to stop)", err=True
        )
    run_server(path, host=host, port=port, token=token or None, leans=leans)


@main.command(epilog=EXIT_HELP)
@click.option(
    "--db",
    default=None,
    help="Store: a SQLite file path, sqlite:///path or postgresql://user@host:port/db"
    " (default counterpoint.db).",
)
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl", "csv", "parquet"]), required=True,
              help="Output format; parquet needs the [parquet] extra (pyarrow).")  # fmt: skip
@click.option("--what", type=click.Choice(["articles", "entities", "quotes", "numbers", "dates", "events",
                                          "relations"]),
              default="articles", show_default=True, help="Which records to export.")  # fmt: skip
@click.option("--out", "out", required=True, help="Output file, or - for standard output (not parquet).")
@click.pass_context
def export(ctx: click.Context, db: str | None, fmt: str, what: str, out: str) -> None:
    """Export articles, entities, quotes, numbers or dates from the store as JSON, JSONL, CSV or Parquet."""
    from counterpoint.export import export as run_export

    path = _existing_db(ctx, db)
    store = open_store(path)
    ctx.call_on_close(store.close)
    n = run_export(store, what=what, fmt=fmt, out=out)
    if out != "-":
        msg = {"exported": n, "what": what, "format": fmt, "out": out}
        click.echo(
            json.dumps(msg) if ctx.obj["json"] else f"wrote {n} {what} to {out}", err=not ctx.obj["json"]
        )


def _write_outputs(
    store: Store, out: Path, settings: Settings, seconds: dict[str, float] | None = None
) -> list[Path]:
    """Write analysis.json and the report; their wall seconds go in ``seconds`` when given."""
    analysis = out / "analysis.json"
    leans = None
    if settings.outlet_lean:
        from counterpoint.slant.lean import load_leans

        leans = load_leans(settings.outlet_lean)
    started = time.perf_counter()
    write_analysis(store, analysis, ratings_file=settings.outlet_ratings or None, leans=leans)
    wrote = time.perf_counter()
    report = write_report(store, out / "report.html", leans=leans)
    if seconds is not None:
        seconds["analysis.json"], seconds["report"] = wrote - started, time.perf_counter() - wrote
    return [analysis, report]


def run_cli() -> None:
    """Entry point with errors turned into messages and exit codes, never tracebacks."""
    try:
        rv = main.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted; everything committed so far is kept", err=True)
        raise SystemExit(130) from None
    except click.ClickException as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except CounterpointError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(exc.exit_code) from None
    except KeyboardInterrupt:
        click.echo("interrupted; everything committed so far is kept", err=True)
        raise SystemExit(130) from None
    raise SystemExit(rv if isinstance(rv, int) else 0)
