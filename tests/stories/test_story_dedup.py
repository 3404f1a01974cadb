from __future__ import annotations

import zlib

import numpy as np
import pytest

from counterpoint.stories.dedup import NearDuplicateIndex, shingles

BODY = (
    "The harbour council in the fictional town of Amsel voted on Tuesday to extend the ferry contract "
    "for another five years, ending a dispute that had divided fishermen and shopkeepers since spring. "
    "Councillor Lena Castell said the vote was close but fair, and that fares would stay frozen until "
    "the new timetable is agreed with the operator in the autumn."
)


def test_story_dedup_repost_with_new_chrome_links_to_original() -> None:
    ix = NearDuplicateIndex()
    assert ix.add("a", BODY)[0] is None
    link, sig = ix.add("b", "Menu Home World\n" + BODY + "\nSubscribe to our newsletter")
    assert link is not None
    assert sig is None
    assert link.duplicate_of == "a"
    assert link.similarity >= 0.8


def test_story_dedup_different_article_is_original() -> None:
    ix = NearDuplicateIndex()
    ix.add("a", BODY)
    other = BODY.replace("ferry contract", "rail link").replace("five", "ten").split(". ")[0] + "."
    link, sig = ix.add("b", other + " Entirely different reporting follows about budgets and schools.")
    assert link is None
    assert sig is not None


def test_story_dedup_copy_of_copy_links_to_first() -> None:
    ix = NearDuplicateIndex()
    ix.add("a", BODY)
    ix.add("b", BODY + " Reporting by staff.")
    link, _ = ix.add("c", BODY + " Reporting by staff. Edited.")
    assert link is not None
    assert link.duplicate_of == "a"
    assert len(ix) == 1  # copies are never indexed


def test_story_dedup_hundreds_of_identical_copies_cost_one_entry() -> None:
    ix = NearDuplicateIndex()
    ix.add("orig", BODY)
    links = [ix.add(f"copy{i}", BODY)[0] for i in range(300)]
    assert all(lk is not None and lk.duplicate_of == "orig" for lk in links)
    assert len(ix) == 1


def test_story_dedup_state_round_trips_through_rows() -> None:
    first = NearDuplicateIndex()
    _, sig = first.add("a", BODY)
    assert sig is not None
    second = NearDuplicateIndex()
    assert second.load([("a", sig)]) == 1
    link, _ = second.add("b", BODY + " Updated at noon.")
    assert link is not None
    assert link.duplicate_of == "a"


def test_story_dedup_rejects_signature_of_wrong_size() -> None:
    with pytest.raises(ValueError, match="expected 64"):
        NearDuplicateIndex().load([("a", b"\x00" * 12)])


def test_story_dedup_empty_text_is_not_indexed() -> None:
    ix = NearDuplicateIndex()
    assert ix.add("a", "  \n ") == (None, None)
    assert shingles("") == []
    assert len(ix) == 0


def test_story_dedup_signatures_and_bands_match_datasketch() -> None:
    # Stores written while the index used datasketch hold its signatures: ours must be the same values
    # (datasketch stays in the dev extra for this check only).
    datasketch = pytest.importorskip("datasketch")
    from datasketch.lsh import _optimal_param

    from counterpoint.stories.dedup import bands, minhash

    sh = shingles(BODY + " Second paragraph with other words entirely, about the harbour budget.")
    theirs = datasketch.MinHash(num_perm=64, seed=1, hashfunc=zlib.crc32)
    theirs.update_batch(sh)
    assert minhash(sh, 64, 1).tobytes() == np.asarray(theirs.hashvalues).tobytes()
    for threshold in (0.5, 0.7, 0.8, 0.9):
        assert bands(threshold, 64) == _optimal_param(threshold, 64, 0.5, 0.5)


def test_story_dedup_reloaded_index_finds_the_same_copy() -> None:
    first = NearDuplicateIndex()
    _link, sig = first.add("a", BODY)
    assert sig is not None
    assert len(sig) == 64 * 4
    second = NearDuplicateIndex()
    assert second.load([("a", sig)]) == 1
    copy = "Breaking: " + BODY + " Follow us for more."
    assert first.query(copy) == second.query(copy)
    hit = second.query(copy)
    assert hit is not None
    assert hit[0] == "a"
    assert hit[1] >= 0.8
    assert second.query("A wholly unrelated report on a football match in another country.") is None
