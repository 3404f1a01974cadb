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
        self.url = chat_url(url)
        self.model = model
        self.timeout = timeout
        self.rules = rules or RuleJudge()
        self.failures = 0

    def judge(self, a: ClaimText, b: ClaimText, *, same_claim: bool = True) -> Verdict | None:
        verdict = self.rules.judge(a, b, same_claim=same_claim)
        if verdict is not None:
            return verdict
        prompt = _PROMPT.replace("{a}", a.text).replace("{b}", b.text)
        content = chat(self.url, self.model, prompt, timeout=self.timeout)
        # an unreachable or babbling endpoint must not stop a run: the rules' answer stands
        answer = None if content is None else _parse(content)
        if answer is None:
            self.failures += 1
            return None
        conflict, why = answer
        return Verdict(conflict, why if conflict else None, self.name)


def chat_url(url: str, setting: str = "claims_llm_url") -> str:
    """The ``/chat/completions`` address under the user's base ``url`` (http or https only)."""
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{setting} must be an http(s) URL, not {url!r}")
    return url.rstrip("/") + "/chat/completions"


def chat(url: str, model: str, prompt: str, *, timeout: float = 30.0) -> str | None:
    """The answer of an OpenAI-compatible chat endpoint at ``url`` (a full ``…/chat/completions``
    address the user configured) to one user message, or None when it is unreachable or babbles."""
    body = {"model": model, "temperature": 0, "messages": [{"role": "user", "content": prompt}]}
    req = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # the user-configured URL only
            payload = json.loads(resp.read().decode("utf-8", "replace"))
    except (OSError, ValueError):
        return None
    return _content(payload)


def _content(payload: Any) -> str | None:
    try:
        content = payload["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        return None
    return content if isinstance(content, str) else None


def json_object(content: str) -> Any:
    """The outermost ``{...}`` of a model's answer, parsed, or None: models wrap JSON in prose."""
    start, end = content.find("{"), content.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        return json.loads(content[start : end + 1])
    except ValueError:
        return None


def _parse(content: str) -> tuple[bool, str | None] | None:
    obj = json_object(content)
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
