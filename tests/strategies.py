"""Hypothesis strategies for valid stories, and one small hand-written story, for tests.

``stories()`` builds Story objects the checker must accept: several timelines,
scenes that continue, branch or end, every reference pointing at a real
scene, mirrors into other timelines (some mutual, some one-way). With
``tidy=True`` the story is also free of warnings: every scene is reachable
from the start, an ending is reachable from every scene, every timeline has
scenes and every mirror is returned.
"""

from __future__ import annotations

from types import MappingProxyType

from hypothesis import strategies as st

from lazyland.model import MAX_CHOICES, Choice, Scene, Story, Timeline

_ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-_"
_FIRST_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"

ids = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(_FIRST_CHARS),
    st.text(_ID_CHARS, max_size=12),
)
# Words people write, plus brackets and marks that must stay literal.
words = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cs", "Zl", "Zp"),
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")


@st.composite
def stories(
    draw: st.DrawFn,
    min_scenes: int = 1,
    max_scenes: int = 24,
    max_timelines: int = 3,
    tidy: bool = False,
) -> Story:
    timeline_count = draw(st.integers(1, max_timelines))
    timeline_ids = draw(
        st.lists(ids, min_size=timeline_count, max_size=timeline_count, unique=True)
    )
    scene_count = draw(
        st.integers(max(min_scenes, timeline_count), max(max_scenes, timeline_count))
    )
    scene_ids = draw(st.lists(ids, min_size=scene_count, max_size=scene_count, unique=True))

    # Every timeline gets at least one scene; the rest are spread at random.
    timeline_of = {sid: timeline_ids[i] for i, sid in enumerate(scene_ids[:timeline_count])}
    for sid in scene_ids[timeline_count:]:
        timeline_of[sid] = draw(st.sampled_from(timeline_ids))
    order = draw(st.permutations(scene_ids))
    start = order[0]

    # A tree from the start makes every scene reachable; its leaves become endings,
    # so an ending can be reached from everywhere.
    children: dict[str, list[str]] = {sid: [] for sid in order}
    for index, sid in enumerate(order[1:], start=1):
        parents = [p for p in order[:index] if len(children[p]) < MAX_CHOICES]
        parent = draw(st.sampled_from(parents))
        children[parent].append(sid)

    exits: dict[str, tuple[str, list[str]]] = {}
    for sid in order:
        kids = children[sid]
        if not kids:
            if tidy or draw(st.booleans()):
                exits[sid] = ("ending", [])
            else:
                # A leaf may also loop back anywhere: the story need not end everywhere.
                exits[sid] = ("next", [draw(st.sampled_from(scene_ids))])
            continue
        extra = draw(st.lists(st.sampled_from(scene_ids), max_size=MAX_CHOICES - len(kids)))
        targets = kids + extra
        if len(targets) == 1 and draw(st.booleans()):
            exits[sid] = ("next", targets)
        else:
            exits[sid] = ("choices", targets)

    mirrors = _draw_mirrors(draw, scene_ids, timeline_of, tidy)

    scenes: dict[str, Scene] = {}
    for sid in scene_ids:
        kind, targets = exits[sid]
        scenes[sid] = Scene(
            id=sid,
            timeline=timeline_of[sid],
            title=draw(words),
            text=draw(words),
            caption=draw(st.none() | words),
            notes=draw(st.none() | words),
            mirror=mirrors.get(sid),
            next=targets[0] if kind == "next" else None,
            choices=tuple(Choice(label=draw(words), goto=t) for t in targets)
            if kind == "choices"
            else (),
            ending=draw(words) if kind == "ending" else None,
        )
    return Story(
        id=draw(ids),
        title=draw(words),
        start=start,
        timelines=tuple(Timeline(id=t, label=draw(words)) for t in timeline_ids),
        scenes=MappingProxyType(scenes),
    )


def _draw_mirrors(
    draw: st.DrawFn, scene_ids: list[str], timeline_of: dict[str, str], tidy: bool
) -> dict[str, str]:
    """Mirrors between timelines: mutual pairs, and (unless tidy) some one-way ones."""
    mirrors: dict[str, str] = {}
    candidates = draw(st.permutations(scene_ids))
    for sid in candidates:
        if sid in mirrors or not draw(st.booleans()):
            continue
        others = [o for o in scene_ids if timeline_of[o] != timeline_of[sid] and o not in mirrors]
        if not others:
            continue
        other = draw(st.sampled_from(others))
        mirrors[sid] = other
        if tidy or draw(st.booleans()):
            mirrors[other] = sid
    return mirrors


def sample_story(story_id: str = "sample") -> Story:
    """Two timelines, a straight line, a choice, a one-choice scene, two endings, mirrors.

    opening -> crossroads -(1)-> the-door (ending)
                          -(2)-> dream -> dance -(1)-> home (ending)
    crossroads <-> dream mirror each other; dance mirrors the-door one way.
    """
    scenes = [
        Scene(
            id="opening",
            timeline="real",
            title="Opening",
            caption="Spring",
            text="The first *light* of the day.\n\nA second paragraph.",
            notes="Why the story opens here.",
            next="crossroads",
        ),
        Scene(
            id="crossroads",
            timeline="real",
            title="Crossroads",
            text="Two ways to go.",
            mirror="dream",
            choices=(
                Choice(label="Stay in the room", goto="the-door"),
                Choice(label="Drift into the what-if", goto="dream"),
            ),
        ),
        Scene(
            id="the-door",
            timeline="real",
            title="The door",
            text="She turns back at the door.",
            ending="The door",
        ),
        Scene(
            id="dream",
            timeline="fantasy",
            title="Dream",
            text="They walk in together.",
            mirror="crossroads",
            next="dance",
        ),
        Scene(
            id="dance",
            timeline="fantasy",
            title="Dance",
            text="One more dance.",
            mirror="the-door",
            choices=(Choice(label="Keep dancing", goto="home"),),
        ),
        Scene(
            id="home",
            timeline="fantasy",
            title="Home movie",
            text="A home movie plays.",
            ending="Home movie",
        ),
    ]
    return Story(
        id=story_id,
        title="Sample",
        start="opening",
        timelines=(Timeline("real", "What happened"), Timeline("fantasy", "What if")),
        scenes={s.id: s for s in scenes},
    )
