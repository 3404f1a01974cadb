"""Each side, side by side: claims, voices and loaded words only one outlet has."""

from __future__ import annotations

from counterpoint.claims.sides import story_sides


def _claim(text: str, status: str, outlets: list[str], score: float = 0.5) -> dict[str, object]:
    return {"text": text, "status": status, "outlets": outlets, "score": score, "evidence": []}


def test_sides_lists_what_only_each_outlet_has() -> None:
    claims = [
        _claim("Both say the leaders met.", "corroborated", ["A", "B"]),
        _claim("A alone reports the canola deal.", "single_source", ["A"], 0.9),
        _claim("B alone reports the EV tariff.", "single_source", ["B"]),
    ]
    outlet_of = {"a1": "A", "a2": "A", "b1": "B"}
    speakers = {"a1": ["Mark Carney"], "b1": ["Mark Carney", "Xi Jinping"]}
    whole = "Carney embraced the regime in a shameful and reckless display of weakness"  # one span
    loaded = {"a1": ["landmark", "Landmark", whole], "a2": ["shameful"], "b1": []}
    sides = {s.outlet: s for s in story_sides(claims, outlet_of, speakers, loaded)}
    assert list(sides) == ["A", "B"]  # most articles first
    assert [c["text"] for c in sides["A"].only_it] == ["A alone reports the canola deal."]
    assert [c["text"] for c in sides["B"].only_it] == ["B alone reports the EV tariff."]
    assert sides["A"].voices == []  # Carney is quoted by both
    assert sides["B"].voices == ["Xi Jinping"]
    assert sides["A"].loaded == ["landmark", "shameful"]
    assert sides["A"].articles == 2
