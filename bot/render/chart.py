"""The digest's chart: every unit with something due, its year's work as parts of one bar.

Each bar is a unit's dated assignments of the year (plus any still overdue from earlier),
split into done / in progress / overdue / not yet due, drawn as shares so a unit with one
duty is as visible as one with forty; the count is written beside it and the unit's light
(`bot.usecases.tasks.lights`) is a dot before its name. With more units than fit, the worst
MAX_BARS get bars of their own and the rest share one summary bar, labelled with how many
units it holds and their lights: legible, and inside the plot rather than under the axis.

Drawn with matplotlib's Agg canvas directly (no pyplot, no global state), so it can run in a
worker thread. Chinese labels need a CJK font (`bot.render.fonts`); without one the chart is
left out and the digest says why, rather than drawing tofu boxes. The board draws the same
picture from the same rows (`chart_rows`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.i18n import Translator, _
from bot.render.fonts import find_cjk_family
from bot.text import shorten
from bot.usecases.digest.data import UnitProgress
from bot.usecases.tasks.lights import LIGHT_MEANINGS, Light

MAX_BARS = 30
LABEL_CHARS = 16
COLOURS = {"green": "#2e9e44", "yellow": "#f2b705", "red": "#d93025", "grey": "#9aa0a6"}
PARTS = ("year_done", "in_progress", "overdue", "not_yet_due")
PART_COLOURS = {
    "year_done": "#2e9e44",
    "in_progress": "#4a90d9",
    "overdue": "#d93025",
    "not_yet_due": "#d5d9de",
}
PART_NAMES = {
    "year_done": _("done"),
    "in_progress": _("in progress"),
    "overdue": _("overdue"),
    "not_yet_due": _("not yet due"),
}
LEGEND = LIGHT_MEANINGS


@dataclass(frozen=True)
class ChartImage:
    png: bytes
    shown: int
    total: int


@dataclass(frozen=True)
class ChartRow:
    """One bar: a unit, or the summary of the units past MAX_BARS (`units` > 1)."""

    label: str
    light: str | None
    parts: dict[str, int]
    units: int = 1
    lights: dict[str, int] | None = None  # the summary bar: how many units of each light

    @property
    def total(self) -> int:
        return sum(self.parts.values())


def charted(units: Sequence[UnitProgress]) -> list[UnitProgress]:
    """The units the chart shows: every one with an assignment in its bar, worst first."""
    return [unit for unit in units if unit.total]


def chart_rows(units: Sequence[UnitProgress], limit: int = MAX_BARS) -> list[ChartRow]:
    """The bars: the worst `limit` units, then one bar summing the rest (if any)."""
    shown = charted(units)
    rows = [
        ChartRow(unit.unit_name, unit.light, {part: getattr(unit, part) for part in PARTS})
        for unit in shown[:limit]
    ]
    rest = shown[limit:]
    if rest:
        lights = {light.value: sum(1 for u in rest if u.light == light.value) for light in Light}
        rows.append(
            ChartRow(
                "",
                None,
                {part: sum(getattr(unit, part) for unit in rest) for part in PARTS},
                units=len(rest),
                lights={key: value for key, value in lights.items() if value},
            )
        )
    return rows


def _needs_cjk(texts: Sequence[str]) -> bool:
    return any(ord(char) > 0x2E7F for text in texts for char in text)


def rest_label(units: int, t: Translator) -> str:
    """The summary bar's name: how many units it holds (their lights are dots under it)."""
    return t.ngettext("{count} more unit", "{count} more units", units)


def chart_texts(units: Sequence[UnitProgress], t: Translator, as_of: date) -> dict[str, str]:
    """The chart's words in the reader's language (also used to decide on the font)."""
    texts = {
        "title": t.gettext(
            _("Duties of {year} by unit (as of {date})"),
            year=as_of.year,
            date=t.date(as_of),
        ),
        "axis": t.gettext(_("Share of each unit's assignments this year")),
    }
    texts.update({part: t.gettext(name) for part, name in PART_NAMES.items()})
    texts.update({light.value: t.gettext(LIGHT_MEANINGS[light]) for light in Light})
    return texts


def render_completion_chart(
    units: Sequence[UnitProgress], t: Translator, as_of: date, family: str | None = None
) -> ChartImage | None:
    """A PNG of every unit with something due (the worst MAX_BARS, then a summary bar), or
    None when there is nothing to draw or the labels need Chinese glyphs and no such font is
    installed."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    rows = chart_rows(units)
    if not rows:
        return None
    texts = chart_texts(units, t, as_of)
    labels = [
        shorten(row.label, LABEL_CHARS) if row.units == 1 else rest_label(row.units, t)
        for row in rows
    ]
    family = family or find_cjk_family()
    if family is None and _needs_cjk([*labels, *texts.values()]):
        return None
    font = {"family": family} if family else {}

    extra = 0.5 if rows[-1].units > 1 else 0.0
    figure = Figure(figsize=(9, 2.3 + 0.3 * len(rows) + extra), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(rows)))
    left = [0.0] * len(rows)
    for part in PARTS:
        widths = [100 * row.parts[part] / row.total if row.total else 0 for row in rows]
        axes.barh(positions, widths, left=left, color=PART_COLOURS[part], height=0.72)
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for position, row in zip(positions, rows, strict=True):
        done = row.parts["year_done"]
        axes.text(101.5, position, f"{done}/{row.total}", va="center", fontsize=8, **font)
        if row.light is not None:
            axes.plot(-2.2, position, "o", color=COLOURS[row.light], markersize=6, clip_on=False)
    if rows[-1].units > 1:  # the summary bar: a rule above it, its units' lights below it
        axes.axhline(len(rows) - 1.5, color="#888888", linewidth=0.8, linestyle="--")
        x, y = 0.0, len(rows) - 1 + 0.68
        for light, count in (rows[-1].lights or {}).items():
            axes.plot(x + 1.2, y, "o", color=COLOURS[light], markersize=6, clip_on=False)
            axes.text(x + 2.8, y, str(count), va="center", fontsize=8, **font)
            x += 4.5 + 1.6 * len(str(count))
        axes.set_ylim(len(rows) - 1 + 1.0, -0.6)
    axes.set_yticks(positions, labels, fontsize=9, **font)
    axes.tick_params(axis="y", pad=12)
    if rows[-1].units == 1:
        axes.invert_yaxis()
    axes.set_xlim(0, 112)
    axes.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    axes.set_xlabel(texts["axis"], fontsize=9, **font)
    axes.set_title(texts["title"], fontsize=12, loc="left", **font)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    handles = [Patch(color=PART_COLOURS[part], label=texts[part]) for part in PARTS]
    handles += [
        Line2D([], [], marker="o", linestyle="", color=COLOURS[light.value], label=texts[light])
        for light in Light
    ]
    legend_font = {"family": family, "size": 8} if family else {"size": 8}
    figure.legend(handles=handles, loc="outside upper center", ncols=4, prop=legend_font)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    shown = sum(1 for row in rows if row.units == 1)
    return ChartImage(buffer.getvalue(), shown, len(charted(units)))
