"""The digest's chart: year-to-date completion per unit as traffic-light bars (PNG).

Drawn with matplotlib's Agg canvas directly (no pyplot, no global state), so it can run in a
worker thread. Chinese labels need a CJK font (`bot.render.fonts`); without one the chart is
left out and the digest says why, rather than drawing tofu boxes.
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

MAX_BARS = 30
LABEL_CHARS = 16
COLOURS = {"green": "#2e9e44", "yellow": "#f2b705", "red": "#d93025"}
LEGEND = {
    "green": _("on track"),
    "yellow": _("due within 3 working days, not started"),
    "red": _("overdue"),
}


@dataclass(frozen=True)
class ChartImage:
    png: bytes
    shown: int
    total: int


def _needs_cjk(texts: Sequence[str]) -> bool:
    return any(ord(char) > 0x2E7F for text in texts for char in text)


def chart_texts(units: Sequence[UnitProgress], t: Translator, as_of: date) -> dict[str, str]:
    """The chart's words in the reader's language (also used to decide on the font)."""
    hidden = max(0, len(units) - MAX_BARS)
    texts = {
        "title": t.gettext(
            _("Completion by unit, {year} to date (as of {date})"),
            year=as_of.year,
            date=t.date(as_of),
        ),
        "axis": t.gettext(_("Share of the assignments due so far that are done")),
        "nothing": t.gettext(_("nothing due yet")),
        "more": t.ngettext("{count} more unit not shown", "{count} more units not shown", hidden)
        if hidden
        else "",
    }
    texts.update({light: t.gettext(label) for light, label in LEGEND.items()})
    return texts


def render_completion_chart(
    units: Sequence[UnitProgress], t: Translator, as_of: date, family: str | None = None
) -> ChartImage | None:
    """A PNG of the worst MAX_BARS units (red, then yellow, then green), or None when the
    labels need Chinese glyphs and no such font is installed."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    if not units:
        return None
    shown = list(units[:MAX_BARS])
    texts = chart_texts(units, t, as_of)
    labels = [shorten(unit.unit_name, LABEL_CHARS) for unit in shown]
    family = family or find_cjk_family()
    if family is None and _needs_cjk([*labels, *texts.values()]):
        return None
    font = {"family": family} if family else {}

    figure = Figure(figsize=(8.5, 1.9 + 0.32 * len(shown)), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(shown)))
    axes.barh(
        positions,
        [unit.percent for unit in shown],
        color=[COLOURS[unit.light] for unit in shown],
        height=0.7,
    )
    for position, unit in zip(positions, shown, strict=True):
        note = f"{unit.done}/{unit.due}" if unit.due else texts["nothing"]
        if not unit.due:  # no bar to colour: a dot still shows the unit's light
            axes.plot(0.8, position, "o", color=COLOURS[unit.light], clip_on=False)
        offset = 1.5 if unit.due else 3.0
        axes.text(min(unit.percent, 100) + offset, position, note, va="center", fontsize=8, **font)
    axes.set_yticks(positions, labels, fontsize=9, **font)
    axes.invert_yaxis()
    axes.set_xlim(0, 118)
    axes.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    axis_label = texts["axis"] + (f"\n{texts['more']}" if texts["more"] else "")
    axes.set_xlabel(axis_label, fontsize=9, **font)
    axes.set_title(texts["title"], fontsize=12, loc="left", **font)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    handles = [Patch(color=COLOURS[light], label=texts[light]) for light in LEGEND]
    legend_font = {"family": family, "size": 8} if family else {"size": 8}
    figure.legend(handles=handles, loc="outside lower center", ncols=3, prop=legend_font)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return ChartImage(buffer.getvalue(), len(shown), len(units))
