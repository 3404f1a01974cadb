"""Outlet names normalised across inputs: one spelling per outlet."""

from __future__ import annotations

import pytest

from counterpoint.stages.metadata import normalise_outlet


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("CNN (Online News)", "CNN"),
        ("cnn.com", "CNN"),
        ("www.cnn.com", "CNN"),
        ("https://edition.cnn.com/", "CNN"),
        ("bbc.co.uk", "BBC"),
        ("Fox News - Opinion", "Fox News"),
        ("the guardian", "The Guardian"),
        ("New York Times", "The New York Times"),
        ("Newsinc24", "Newsinc24"),
        ("example-news.org", "Example-news"),
        ("  Devdiscourse ", "Devdiscourse"),
    ],
)
def test_metadata_normalise_outlet(given: str, expected: str) -> None:
    assert normalise_outlet(given) == expected


def test_metadata_normalise_outlet_keeps_none() -> None:
    assert normalise_outlet(None) is None
