"""The conflict rules and the opt-in LLM judge (against a real local HTTP server)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

from counterpoint.claims.backends import LLMJudge, judge_for
from counterpoint.claims.compare import RuleJudge, date_conflict, number_conflict, polarity, polarity_conflict
from counterpoint.config import Settings
from counterpoint.errors import ConfigError
from counterpoint.model import Article, NumberFact, TimeExpr
from counterpoint.model.claim import ClaimText
from counterpoint.stages.dates import find_times
from counterpoint.stages.numbers import find_numbers


def _numbers(text: str) -> list[NumberFact]:
    return find_numbers(Article("a", "test", text=text))


def _times(text: str, published: str = "2026-01-17") -> list[TimeExpr]:
    art = Article("a", "test", text=text, published=published)
    return find_times(art, [(0, len(text))])


def test_numbers_in_words_and_digits_agree() -> None:
    a = _numbers("Relations were strained for eight years.")
    b = _numbers("Relations were strained for 8 years.")
    assert number_conflict(a, b) is None


def test_rounded_figures_agree() -> None:
    a = _numbers("The US bought about 75% of Canadian goods.")
    b = _numbers("The US bought 74.8% of Canadian goods.")
    assert number_conflict(a, b) is None


def test_clearly_different_figures_conflict_and_say_which() -> None:
    a = _numbers("The US bought about 75% of Canadian goods.")
    b = _numbers("The US bought 40% of Canadian goods.")
    why = number_conflict(a, b)
    assert why is not None
    assert "75%" in why
    assert "40%" in why


def test_dates_of_different_precision_agree() -> None:
    a = _times("Carney visited Beijing in January 2026.")
    b = _times("Carney visited Beijing on Jan. 16, 2026.")
    assert a
    assert b
    assert date_conflict(a, b) is None


def test_different_years_for_one_event_conflict() -> None:
    a = _times("Canada arrested Meng Wanzhou in 2018.")
    b = _times("Canada arrested Meng Wanzhou in 2019.")
    why = date_conflict(a, b)
    assert why is not None
    assert "2018" in why
    assert "2019" in why


def test_tariff_agreement_reached_vs_elusive_conflict() -> None:
    reached = (
        "The nations reached agreements to lower tariffs on Chinese electric cars and Canadian farm "
        "products, marking economic cooperation amidst a backdrop of global trade disruptions."
    )
    elusive = (
        "While officials from both nations are in talks to lower tariffs and boost bilateral trade, "
        "a formal agreement remains elusive."
    )
    why = polarity_conflict(reached, elusive)
    assert why is not None
    assert "agre" in why
    verdict = RuleJudge().judge(ClaimText(reached), ClaimText(elusive))
    assert verdict is not None
    assert verdict.conflict
    assert verdict.rule == "polarity"


def test_not_only_and_names_are_not_negations() -> None:
    assert polarity("The alliance may not only bolster trade but also serve as a warning.")["allianc"] is True
    assert "canada" not in polarity("No longer will Canada be seen as a junior partner.")
    a = "The council approved the ferry contract for five more years on Tuesday."
    b = "The council approved the ferry contract after a long debate on Tuesday."
    assert polarity_conflict(a, b) is None


def test_negated_arrest_conflicts_with_the_arrest() -> None:
    a = "Police arrested the harbour director on corruption charges."
    b = "Police have not arrested the harbour director on corruption charges."
    assert polarity_conflict(a, b) is not None


def test_judge_for_defaults_to_offline_rules_and_checks_llm_settings() -> None:
    assert isinstance(judge_for(Settings()), RuleJudge)
    with pytest.raises(ConfigError):
        judge_for(Settings(claims_judge="llm"))
    with pytest.raises(ConfigError):
        judge_for(Settings(claims_judge="oracle"))
    with pytest.raises(ConfigError):
        LLMJudge("file:///etc/passwd")


class _Handler(BaseHTTPRequestHandler):
    answers: ClassVar[list[str]] = []
    requests: ClassVar[list[dict[str, object]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        content = type(self).answers.pop(0) if type(self).answers else "not json"
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
    _Handler.answers, _Handler.requests = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1"
    finally:
        server.shutdown()


def test_llm_judge_asks_only_what_the_rules_leave_open(llm_server: str) -> None:
    judge = judge_for(Settings(claims_judge="llm", claims_llm_url=llm_server, claims_llm_model="local"))
    assert isinstance(judge, LLMJudge)
    _Handler.answers = ['Sure: {"conflict": true, "why": "different actors for the arrest"}']
    a = ClaimText("Canadian police arrested the executive in Vancouver.")
    b = ClaimText("US agents arrested the executive in Vancouver.")
    verdict = judge.judge(a, b)
    assert verdict is not None
    assert verdict.conflict
    assert verdict.rule == "llm"
    assert verdict.why == "different actors for the arrest"
    assert _Handler.requests[0]["model"] == "local"
    # a rule decides without a request
    sent = len(_Handler.requests)
    judge.judge(ClaimText("They reached an agreement on tariffs for farm goods."),
                ClaimText("An agreement on tariffs for farm goods remains elusive."))  # fmt: skip
    assert len(_Handler.requests) == sent


def test_llm_judge_survives_a_babbling_or_dead_endpoint(llm_server: str) -> None:
    judge = LLMJudge(llm_server, timeout=5)
    _Handler.answers = ["I think they might disagree."]
    assert judge.judge(ClaimText("A happened in town."), ClaimText("B happened in town.")) is None
    dead = LLMJudge("http://127.0.0.1:9/v1", timeout=2)
    assert dead.judge(ClaimText("A happened in town."), ClaimText("B happened in town.")) is None
    assert judge.failures == 1
    assert dead.failures == 1


def test_related_sentences_with_different_dates_are_two_facts_not_a_conflict() -> None:
    landed = "Port Amsel boats landed about 22,000 tonnes from the shelf in 2024, harbour statistics show."
    signed = "Minister Adaira Solen signed the Amsel Shelf fishing accord in Port Amsel on Monday."
    a = ClaimText(landed, times=tuple(_times(landed)))
    b = ClaimText(signed, times=tuple(_times(signed)))
    judge = RuleJudge()
    assert judge.judge(a, b, same_claim=False) is None
    # matched as one claim, the same dates would be a conflict
    verdict = judge.judge(a, b, same_claim=True)
    assert verdict is not None
    assert verdict.rule == "dates"
