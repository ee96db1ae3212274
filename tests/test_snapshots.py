"""SVG snapshots of the reader at fixed sizes, with the reveal off so they never flake.

A small story built here keeps them stable while the bundled story changes.
Update them with ``pytest tests/test_snapshots.py --snapshot-update`` and look
at the SVGs before committing.
"""

from __future__ import annotations

from textual.pilot import Pilot

from lazyland.app import LazylandApp
from lazyland.engine import Reading
from lazyland.model import Choice, Scene, Story, Timeline


def snapshot_story() -> Story:
    scenes = [
        Scene(
            "bench",
            "real",
            "After the audition",
            "The audition is over. She walks out into the daylight, and he is still "
            "there, leaning on the car.\n\nThey climb to a bench high over the city. "
            "She asks the thing she has carried all the way up the hill: *where are we?*",
            caption="Above the city, day",
            notes="The question on the bench is the one the whole ending answers.\n\n"
            "Nobody is the villain here; each dream needs the whole of a person.",
            next="club",
        ),
        Scene(
            "club",
            "real",
            "Welcome to Seb's",
            "Five years on, a club with his name over the door. He sees her in the "
            "crowd and **stops**.\n\nThen he sits down at the piano and plays their song.",
            caption="Five years later",
            notes="The logo over the door is the one she drew for him.",
            mirror="dream",
            choices=(
                Choice("Stay in the room", "door"),
                Choice("Drift into the *what-if*", "dream"),
            ),
        ),
        Scene(
            "dream",
            "fantasy",
            "The kiss",
            "The club slides away like a painted flat. It is Christmas again, and "
            "this time he does not walk past her.\n\nSomewhere, an orchestra that was "
            "never in the room begins to swell.",
            caption="The restaurant, once more",
            mirror="club",
            next="door",
        ),
        Scene(
            "door",
            "real",
            "The door",
            "At the door she turns back. He smiles; she smiles. Go on.",
            ending="The door",
        ),
    ]
    timelines = (Timeline("real", "What happened"), Timeline("fantasy", "What if"))
    return Story("snap", "La La Land: The Ending", "bench", timelines, {s.id: s for s in scenes})


def app_at(*moves: str) -> LazylandApp:
    """The app with the reveal off, after taking ``moves`` ("next", "2", "toggle")."""
    reading = Reading(snapshot_story())
    for move in moves:
        if move == "next":
            reading.continue_()
        elif move == "toggle":
            reading.toggle()
        else:
            reading.choose(int(move))
    return LazylandApp(reading, animate=False)


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()


def test_main_screen_what_happened(snap_compare: object) -> None:
    assert snap_compare(app_at("next"), terminal_size=(100, 30), run_before=settle)  # type: ignore[operator]


def test_main_screen_what_if(snap_compare: object) -> None:
    assert snap_compare(app_at("next", "2"), terminal_size=(100, 30), run_before=settle)  # type: ignore[operator]


def test_notes_open_beside_on_a_wide_terminal(snap_compare: object) -> None:
    assert snap_compare(app_at(), press=["e"], terminal_size=(120, 30))  # type: ignore[operator]


def test_notes_open_below_on_a_narrow_terminal(snap_compare: object) -> None:
    assert snap_compare(app_at(), press=["e"], terminal_size=(80, 30))  # type: ignore[operator]


def test_smallest_terminal(snap_compare: object) -> None:
    assert snap_compare(app_at("next"), terminal_size=(40, 12), run_before=settle)  # type: ignore[operator]


def test_too_small_terminal(snap_compare: object) -> None:
    assert snap_compare(app_at(), terminal_size=(30, 10), run_before=settle)  # type: ignore[operator]


def test_an_ending(snap_compare: object) -> None:
    assert snap_compare(app_at("next", "1"), terminal_size=(100, 24), run_before=settle)  # type: ignore[operator]


def test_compare_screen(snap_compare: object) -> None:
    assert snap_compare(app_at("next"), press=["c"], terminal_size=(100, 30))  # type: ignore[operator]


def test_map_screen(snap_compare: object) -> None:
    assert snap_compare(app_at("next", "2"), press=["m"], terminal_size=(100, 30))  # type: ignore[operator]


def test_help_screen(snap_compare: object) -> None:
    assert snap_compare(app_at(), press=["f1"], terminal_size=(100, 40))  # type: ignore[operator]
