"""The opt-in LLM brief: a real local HTTP endpoint with canned completions, the real claims stage.

The server answers like an OpenAI-compatible ``/chat/completions`` endpoint. Its answer holds one
sentence made only of the first excerpt's words (supported) and one that adds a figure and words
no excerpt has (unsupported): the first is kept with its citation, the second dropped.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from counterpoint.claims.llm_brief import LLMBriefWriter, brief_writer_for, unsupported
from counterpoint.config import Settings
from counterpoint.errors import ConfigError
from counterpoint.factories import default_pipeline
from counterpoint.model import Span
from counterpoint.model.claim import BriefSentence
from counterpoint.runners.local import run
from counterpoint.store import open_store
from counterpoint.store.claims import briefs_for_output
from counterpoint.store.sqlite import SQLiteStore

INVENTED = "The ferry deal is worth 40 million crowns, officials in Oslo confirmed."
VOTE = (
    "The harbour council of the fictional town of Amsel voted on Tuesday to extend the ferry contract with "
    "Tidewell Lines for five more years, ending a dispute between fishermen and shopkeepers."
)
VOTE2 = (
    "Amsel's harbour council voted on Tuesday to extend the ferry contract with Tidewell Lines for five "
    "years, after a long dispute between fishermen and shopkeepers over the timetable."
)
FARES = "Mayor Lena Castell said fares would stay frozen at 12 crowns until the timetable is agreed."


class _Handler(BaseHTTPRequestHandler):
    mode: ClassVar[str] = "summary"
    requests: ClassVar[list[dict[str, object]]] = []
    supported: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        prompt = body["messages"][0]["content"]
        # the first excerpt, "[1] (outlet) text": a supported sentence is its own words, shortened
        first = re.search(r"^\[1\] \((.*?)\) (.*)$", prompt, re.M)
        assert first is not None
        words = first.group(2).split()
        supported = " ".join(words[: max(8, len(words) // 2)]).rstrip(",;") + "."
        type(self).supported.append(f"According to {first.group(1)}, {supported}")
        answer = {
            "sentences": [
                {"text": f"According to {first.group(1)}, {supported}", "cites": [1]},
                {"text": INVENTED, "cites": [1]},
                {"text": supported, "cites": []},  # cites nothing: dropped
            ]
        }
        content = "Here it is: " + json.dumps(answer) if type(self).mode == "summary" else "no idea"
        out = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def llm_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    _Handler.mode, _Handler.requests, _Handler.supported = "summary", [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1"
    finally:
        server.shutdown()


def test_unsupported_names_added_words_and_numbers_only() -> None:
    span = [VOTE]
    assert unsupported("The council of Amsel voted to extend the ferry contract for five years.", span) == []
    assert unsupported("Amsel's council voted on Tuesday.", span) == []
    assert unsupported("The council voted to extend the contract for 7 years.", span) == ["7"]
    assert unsupported("The council narrowly voted to extend the contract.", span) == ["narrowly"]
    # a negation changes the claim: it must be cited like a content word
    assert unsupported("The council did not extend the contract.", span) == ["not"]
    assert unsupported("According to Tide Times, the council voted.", span, ["Tide Times"]) == []
    assert unsupported("According to Tide Times, the council voted.", span) == ["tide", "times"]
    assert unsupported("Fares stay at 12 crowns.", [FARES]) == []
    assert unsupported("Fares stay at 12,000 crowns.", [FARES]) == ["12,000"]


def test_writer_keeps_supported_sentences_and_falls_back_to_the_extractive_brief(llm_server: str) -> None:
    vote, fares = Span("a1", 0, len(VOTE), VOTE), Span("a2", 0, len(FARES), FARES)
    brief = [
        BriefSentence(VOTE, (vote,), ("c1",)),
        BriefSentence(f"According to Tide, {FARES}", (fares,), ("c2",)),
    ]
    writer = LLMBriefWriter(llm_server, "local", timeout=5)
    out = writer.rewrite(brief, {"a1": "Tide Times", "a2": "Tide"})
    assert len(out) == 1
    (kept,) = out
    assert kept.sentence.startswith("According to Tide Times, The harbour council")
    assert kept.citations == (vote,)
    assert kept.claim_ids == ("c1",)
    assert writer.dropped == 2
    assert _Handler.requests[-1]["model"] == "local"
    assert "[2] (Tide) Mayor Lena Castell" in str(_Handler.requests[-1]["messages"])
    _Handler.mode = "babble"
    assert writer.rewrite(brief) == brief
    dead = LLMBriefWriter("http://127.0.0.1:9/v1", timeout=2)
    assert dead.rewrite(brief) == brief
    assert writer.fallbacks == 1
    assert dead.fallbacks == 1


def test_brief_backend_setting() -> None:
    assert brief_writer_for(Settings()) is None
    with pytest.raises(ConfigError, match="claims_llm_url"):
        brief_writer_for(Settings(brief_backend="llm"))
    with pytest.raises(ConfigError, match="brief_backend"):
        brief_writer_for(Settings(brief_backend="abstractive"))


def test_claims_stage_writes_the_llm_brief_when_opted_in(llm_server: str, tmp_path: Path) -> None:
    records = [
        {"outlet": o, "title": t, "date": "2025-05-06", "url": f"https://{o}.example/a", "text": text}
        for o, t, text in (
            ("tide", "Ferry deal extended", f"{VOTE}\n\n{FARES}"),
            ("harbourpost", "Vote", VOTE2),
        )
    ]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    settings = Settings(workers=1, story_embedder="hashing", brief_backend="llm", claims_llm_url=llm_server)
    store = open_store(str(tmp_path / "c.db"))
    assert isinstance(store, SQLiteStore)
    run(store, [str(tmp_path / "in")], default_pipeline(), settings)
    texts = dict(store.db.execute("SELECT id, text FROM articles"))
    briefs = briefs_for_output(store.db)
    store.close()
    assert _Handler.requests
    sentences = [b for brief in briefs.values() for b in brief]
    assert sentences
    assert all(INVENTED not in b["sentence"] for b in sentences)
    assert {b["sentence"] for b in sentences} <= set(_Handler.supported)  # the LLM's, checked
    for b in sentences:
        assert unsupported(b["sentence"], [c["text"] for c in b["citations"]], ["tide", "harbourpost"]) == []
        for c in b["citations"]:
            assert texts[c["article_id"]][c["start"] : c["end"]] == c["text"]
