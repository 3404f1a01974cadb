from __future__ import annotations

from counterpoint.model.story import EventFrame
from counterpoint.stories.events import clash, event_frame, resolve_place


def test_events_places_come_from_the_lead_and_resolve_to_countries() -> None:
    frame = event_frame(
        "Leaders seek to mend ties",
        "The prime minister held a meeting with the president during a conference in South Korea, "
        "a turning point in Canada-China relations.",
    )
    # "in Canada-China relations" is a compound, not where the meeting was
    assert frame == EventFrame(frozenset({"KR"}), frozenset({"in_person"}))


def test_events_city_and_country_agree_through_the_gazetteer() -> None:
    visit = event_frame(None, "The prime minister began a landmark state visit to Beijing on Wednesday.")
    arrival = event_frame(None, "As the prime minister arrived in China on Wednesday, officials said…")
    assert visit.places == arrival.places == frozenset({"CN"})
    assert not clash(visit.places, visit.modes, arrival.places, arrival.modes)


def test_events_dateline_names_the_place() -> None:
    assert event_frame("Talks resume", "Officials met again.", dateline="Beijing").places == frozenset({"CN"})


def test_events_unknown_or_background_places_are_left_out() -> None:
    frame = event_frame(None, "Officials met in the Great Hall of the People and in Port Amsel.")
    assert frame.places == frozenset()
    # past the lead: background, not where the event happened
    body = "The officials met on Monday. " + "This is the background. " * 5 + "A visit to France followed."
    late = event_frame(None, body)
    assert late.places == frozenset()


def test_events_modes_follow_what_the_article_mostly_says() -> None:
    call = event_frame(None, "The diplomatic overture came during a recent call between the two leaders.")
    assert call.modes == frozenset({"remote"})
    # a call mentioned once in a story of a visit is background
    visit = event_frame(
        None,
        "After a phone call in June, the premier flew to Paris. The visit included talks and a summit "
        "meeting with the president.",
    )
    assert visit.modes == frozenset({"in_person"})
    assert clash((), call.modes, (), visit.modes)
    # "called on", "a wake-up call" and calls to a hotline are not calls between the event's parties
    assert event_frame(None, "The paper called on Ottawa to act; a wake-up call.").modes == frozenset()
    assert event_frame(None, "Police received phone calls from neighbours.").modes == frozenset()


def test_events_clash_needs_both_sides_to_say_something() -> None:
    assert clash({"KR"}, (), {"CN"}, ())
    assert not clash({"KR"}, (), (), ())
    assert not clash({"KR", "CN"}, (), {"CN"}, ())  # a story that mixes places clashes with neither
    assert not clash((), {"remote"}, (), {"remote", "in_person"})


def test_events_resolve_place_forms() -> None:
    assert resolve_place("U.S.") == "US"
    assert resolve_place("South Korea's") == "KR"
    assert resolve_place("California") == "US"
    assert resolve_place("Paris on Friday") == "FR"
    assert resolve_place("Nowhere Special") is None


def test_events_city_names_of_several_countries_resolve_only_when_one_dominates() -> None:
    assert resolve_place("London") == "GB"  # London, Ontario is far smaller
    assert resolve_place("Hamilton") is None  # Canada and New Zealand
