"""Optional judges for claim conflicts, behind the ``compare.Judge`` interface.

The offline rules (``compare.RuleJudge``) are the default and stand on their own. A user
with an LLM they trust can opt in (``claims_judge = "llm"`` and ``claims_llm_url``): the
rules still decide first, and the LLM is asked only about pairs the rules leave undecided.
Nothing here runs unless configured; no request is ever made to an address taken from an
article, only to the one the user configured.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from counterpoint.claims.compare import Judge, RuleJudge, Verdict
from counterpoint.config import Settings
from counterpoint.errors import ConfigError
from counterpoint.model.claim import ClaimText

_PROMPT = (
    "Two news sentences from different outlets report on the same story. Answer with one JSON object "
    '{"conflict": true|false, "why": "<one short clause naming what disagrees>"}. '
    "conflict is true only if they speak of the same fact and both cannot be true at once "
    "(different numbers or dates for the same thing, one asserts what the other denies, "
    "different actors for the same act).\n"
    "A: {a}\nB: {b}"
)


class LLMJudge:
    """Asks an OpenAI-compatible ``/chat/completions`` endpoint, after the rules."""

    name = "llm"

    def __init__(
        self, url: str, model: str = "", *, timeout: float = 30.0, rules: Judge | None = None
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"claims_llm_url must be an http(s) URL, not {url!r}")
        self.url = url.rstrip("/") + "/chat/completions"
        self.model = model
        self.timeout = timeout
        self.rules = rules or RuleJudge()
        self.failures = 0

    def judge(self, a: ClaimText, b: ClaimText, *, same_claim: bool = True) -> Verdict | None:
        verdict = self.rules.judge(a, b, same_claim=same_claim)
        if verdict is not None:
            return verdict
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [{"role": "user", "content": _PROMPT.replace("{a}", a.text).replace("{b}", b.text)}],
        }
        req = urllib.request.Request(
            self.url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # the user-configured URL only
                answer = _parse(json.loads(resp.read().decode("utf-8", "replace")))
        except (OSError, ValueError):
            # an unreachable or babbling endpoint must not stop a run: the rules' answer stands
            self.failures += 1
            return None
        if answer is None:
            self.failures += 1
            return None
        conflict, why = answer
        return Verdict(conflict, why if conflict else None, self.name)


def _parse(payload: Any) -> tuple[bool, str | None] | None:
    try:
        content = payload["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        return None
    if not isinstance(content, str):
        return None
    start, end = content.find("{"), content.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        obj = json.loads(content[start : end + 1])
    except ValueError:
        return None
    if not isinstance(obj, dict) or not isinstance(obj.get("conflict"), bool):
        return None
    why = obj.get("why")
    return obj["conflict"], str(why)[:300] if why else None


def judge_for(settings: Settings) -> Judge:
    """The judge a run's settings ask for: the offline rules unless the user opted in to an LLM."""
    if settings.claims_judge == "rules":
        return RuleJudge()
    if settings.claims_judge == "llm":
        if not settings.claims_llm_url:
            raise ConfigError("claims_judge = 'llm' needs claims_llm_url (an OpenAI-compatible endpoint)")
        return LLMJudge(settings.claims_llm_url, settings.claims_llm_model)
    raise ConfigError(f"claims_judge must be 'rules' or 'llm', not {settings.claims_judge!r}")
