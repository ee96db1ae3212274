"""Hypothesis strategies for valid stories, and one small hand-written story, for tests.

``stories()`` builds Story objects the checker must accept: several timelines,
scenes that continue, branch or end, every reference pointing at a real
scene, mirrors into other timelines (some mutual, some one-way). With
``tidy=True`` the story is also free of warnings: every scene is reachable
from the start, an ending is reachable from every scene, every timeline has
scenes and every mirror is returned. ``words`` draws every title, text and
label: quick ``phrases`` by default, ``any_words`` for any printable text.
"""

from __future__ import annotations

import random
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
# Any printable text: slower to draw, for tests about how text is shown.
any_words = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cs", "Zl", "Zp"),
    ),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "")
# Quick to draw: ordinary phrases and look-alikes of markup that must stay literal.
PHRASES = (
    "Mia",
    "The door",
    "A *quiet* night",
    "**Five** years later",
    "[bold]not bold[/]",
    "[@click=app.quit]x[/]",
    "Seb's ~ 100% \\ {x}",
    "Épilogue — fin",
    "夜の街",
    "a_b_c",
)
phrases = st.sampled_from(PHRASES)


@st.composite
def stories(
    draw: st.DrawFn,
    min_scenes: int = 1,
    max_scenes: int = 24,
    max_timelines: int = 3,
    min_timelines: int = 1,
    tidy: bool = False,
    words: st.SearchStrategy[str] = phrases,
) -> Story:
    # Sizes come from hypothesis (so they shrink); the shape comes from a seeded
    # Random, which is many times quicker to draw than one strategy per choice.
    timeline_count = draw(st.integers(min_timelines, max(min_timelines, max_timelines)))
    low = max(min_scenes, timeline_count)
    scene_count = draw(st.integers(low, max(max_scenes, low)))
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))

    def say() -> str:
        return rnd.choice(PHRASES) if words is phrases else draw(words)

    def maybe() -> str | None:
        return say() if rnd.random() < 0.5 else None

    unique_ids = _ids(rnd, timeline_count + scene_count)
    timeline_ids = unique_ids[:timeline_count]
    scene_ids = unique_ids[timeline_count:]

    # Every timeline gets at least one scene; the rest are spread at random.
    timeline_of = {sid: timeline_ids[i] for i, sid in enumerate(scene_ids[:timeline_count])}
    for sid in scene_ids[timeline_count:]:
        timeline_of[sid] = rnd.choice(timeline_ids)
    order = scene_ids[:]
    rnd.shuffle(order)
    start = order[0]

    # A tree from the start makes every scene reachable; its leaves become endings,
    # so an ending can be reached from everywhere.
    children: dict[str, list[str]] = {sid: [] for sid in order}
    open_parents = [start]
    for sid in order[1:]:
        parent = rnd.choice(open_parents)
        children[parent].append(sid)
        if len(children[parent]) == MAX_CHOICES:
            open_parents.remove(parent)
        open_parents.append(sid)

    exits: dict[str, tuple[str, list[str]]] = {}
    for sid in order:
        kids = children[sid]
        if not kids:
            if tidy or rnd.random() < 0.6:
                exits[sid] = ("ending", [])
            else:
                # A leaf may also loop back anywhere: the story need not end everywhere.
                exits[sid] = ("next", [rnd.choice(scene_ids)])
            continue
        room = MAX_CHOICES - len(kids)
        extra = [rnd.choice(scene_ids) for _ in range(rnd.randint(0, min(room, 3)))]
        targets = kids + extra
        if len(targets) == 1 and rnd.random() < 0.5:
            exits[sid] = ("next", targets)
        else:
            exits[sid] = ("choices", targets)

    mirrors = _mirrors(rnd, scene_ids, timeline_of, tidy)

    scenes: dict[str, Scene] = {}
    for sid in scene_ids:
        kind, targets = exits[sid]
        scenes[sid] = Scene(
            id=sid,
            timeline=timeline_of[sid],
            title=say(),
            text=say(),
            caption=maybe(),
            notes=maybe(),
            mirror=mirrors.get(sid),
            next=targets[0] if kind == "next" else None,
            choices=tuple(Choice(label=say(), goto=t) for t in targets)
            if kind == "choices"
            else (),
            ending=say() if kind == "ending" else None,
        )
    return Story(
        id=_ids(rnd, 1)[0],
        title=say(),
        start=start,
        timelines=tuple(Timeline(id=t, label=say()) for t in timeline_ids),
        scenes=MappingProxyType(scenes),
    )


def _ids(rnd: random.Random, count: int) -> list[str]:
    """``count`` distinct ids of every allowed shape."""
    made: list[str] = []
    taken: set[str] = set()
    while len(made) < count:
        name = rnd.choice(_FIRST_CHARS) + "".join(
            rnd.choice(_ID_CHARS) for _ in range(rnd.randint(0, 12))
        )
        if name not in taken:
            taken.add(name)
            made.append(name)
    return made


def _mirrors(
    rnd: random.Random, scene_ids: list[str], timeline_of: dict[str, str], tidy: bool
) -> dict[str, str]:
    """Mirrors between timelines: mutual pairs, and (unless tidy) some one-way ones."""
    mirrors: dict[str, str] = {}
    candidates = scene_ids[:]
    rnd.shuffle(candidates)
    for sid in candidates:
        if sid in mirrors or rnd.random() < 0.4:
            continue
        others = [o for o in scene_ids if timeline_of[o] != timeline_of[sid] and o not in mirrors]
        if not others:
            continue
        other = rnd.choice(others)
        mirrors[sid] = other
        if tidy or rnd.random() < 0.6:
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
