"""Split a unit phrase into lead and responsible unit names.

Three conventions occur: labels ("牵头单位：…；责任部门：…"), trailing verbs
("区委编办根据职责实施，区政府各部门、各镇办落实") and bare lists whose role comes from their
position (a table's lead column, then its responsible column). This module only handles text;
resolving names to units is `units.py`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from bot.importing.units import looks_like_unit

Role = Literal["lead", "responsible"]

# "责+任" absorbs a doubled character ("责责任部门") seen in a real ledger.
_LABEL = re.compile(
    r"(牵头|主责|主办|起草|承办|责+任|配合|协办|参与|协助)(单位|部门|处室|科室|股室|主体)\s*："
)
_LEAD_LABELS = ("牵头", "主责", "主办", "起草", "承办")

_LEAD_MARKERS = (
    "牵头起草",
    "负责起草",
    "起草",
    "根据职责实施",
    "按照职责实施",
    "按职责实施",
    "牵头实施",
    "牵头负责",
    "牵头落实",
    "组织实施",
    "负总责",
    "牵头",
    "主办",
)
_RESPONSIBLE_MARKERS = (
    "按职责分工负责",
    "按照职责分工负责",
    "分工负责",
    "按职责分工落实",
    "按职责分别负责",
    "按照职责分别负责",
    "按职责负责",
    "分别负责",
    "负责落实",
    "配合落实",
    "具体落实",
    "抓好落实",
    "共同落实",
    "负责实施",
    "配合实施",
    "具体实施",
    "落实",
    "负责",
    "配合",
    "参与",
    "协办",
    "协助",
)
_MARKERS: tuple[tuple[str, Role], ...] = tuple(
    sorted(
        [(m, "lead") for m in _LEAD_MARKERS]
        + [(m, "responsible") for m in _RESPONSIBLE_MARKERS]
        + [("实施", "lead")],
        key=lambda pair: -len(pair[0]),
    )
)
_CLAUSE_SEPARATORS = "，；"
_NAME_SEPARATORS = "、，；;, "
_CONJUNCTIONS = re.compile(r"以及|及(?=其他|其它|各)|和(?=其他|其它|各)")
_ETC = re.compile(r"(等(有关|相关)?(部门|单位))+$|等$")
_JOINED_UNIT = re.compile(r"部门、单位")
# "6月底完成", "2021年底前": a time limit printed among the units, not a unit
_TIME_LIMIT = re.compile(
    r"(?:\d{1,4}\s*[年月]|年底|年内|月底|季度)[^局办委部院会]*(?:前|完成|底|内)$"
)


@dataclass(slots=True)
class UnitPhrase:
    """Names found in a unit phrase, by role; `unassigned` had no label or marker at all."""

    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    unassigned: list[str] = field(default_factory=list)
    labelled: bool = False
    marked: bool = False
    last_role: Role | None = None

    @property
    def names(self) -> list[str]:
        """All names in printed order of roles (lead, responsible, unassigned)."""
        return [*self.lead, *self.responsible, *self.unassigned]


def _split_top_level(text: str, separators: str) -> list[str]:
    """Split at separators that are not inside parentheses."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "（":
            depth += 1
        elif char == "）":
            depth = max(0, depth - 1)
        if depth == 0 and char in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def strip_marker(clause: str) -> tuple[str, Role | None]:
    """Remove a trailing role verb ("根据职责实施", "负责落实") and report its role."""
    clause = clause.strip()
    for marker, role in _MARKERS:
        if clause.endswith(marker) and len(clause) > len(marker):
            return clause[: -len(marker)].strip(), role
    return clause, None


def split_names(segment: str) -> list[str]:
    """Split a list of names joined by 、，；, spaces or 以及; drop "等部门" tails."""
    segment = _JOINED_UNIT.sub("部门\x00单位", segment)
    segment = _CONJUNCTIONS.sub("、", segment)
    names: list[str] = []
    for part in _split_top_level(segment, _NAME_SEPARATORS):
        name = _ETC.sub("", part.strip().replace("\x00", "、"))
        name, _ = strip_marker(name)
        name = name.strip("：:。.").removesuffix("分别").removesuffix("共同")
        if name.startswith("由") and len(name) > 2:
            name = name[1:]
        if name and not _TIME_LIMIT.search(name):
            names.append(name)
    return names


def _labelled(text: str, phrase: UnitPhrase) -> None:
    matches = list(_LABEL.finditer(text))
    head = text[: matches[0].start()].strip()
    if head:
        phrase.unassigned.extend(split_names(strip_marker(head)[0]))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        role: Role = "lead" if match.group(1) in _LEAD_LABELS else "responsible"
        segment, _ = strip_marker(text[match.end() : end].strip(" ；;，,。"))
        target = phrase.lead if role == "lead" else phrase.responsible
        target.extend(split_names(segment))
        phrase.last_role = role


def _marked(text: str, phrase: UnitPhrase) -> None:
    clauses = [strip_marker(c) for c in _split_top_level(text, _CLAUSE_SEPARATORS) if c.strip()]
    roles: list[Role | None] = [role for _, role in clauses]
    if any(roles):
        phrase.marked = True
        phrase.last_role = [r for r in roles if r][-1]
    for index, (clause, role) in enumerate(clauses):
        if role is None:
            following = [r for r in roles[index + 1 :] if r]
            preceding = [r for r in roles[:index] if r]
            role = following[0] if following else (preceding[-1] if preceding else None)
        names = split_names(clause)
        if role == "lead":
            phrase.lead.extend(names)
        elif role == "responsible":
            phrase.responsible.extend(names)
        else:
            phrase.unassigned.extend(names)


def parse_unit_text(text: str) -> UnitPhrase:
    """Parse one unit phrase (a parenthesis' content, a table cell, a unit line)."""
    phrase = UnitPhrase()
    text = text.strip()
    if not text:
        return phrase
    if _LABEL.search(text):
        phrase.labelled = True
        _labelled(text, phrase)
    else:
        _marked(text, phrase)
    return phrase


def starts_with_label(text: str) -> bool:
    """A line that opens with "牵头部门：" / "责任单位：" is a unit cell."""
    return bool(_LABEL.match(text.strip()))


def is_unit_list(text: str) -> bool:
    """A line made only of plausible unit names (a table's unit column flattened to a line)."""
    if "。" in text or len(text) > 300:
        return False
    phrase = parse_unit_text(text)
    names = phrase.names
    return bool(names) and all(looks_like_unit(name) for name in names)


# Units are bracketed in （）, 〔〕, 【】 or []; one mapping keeps every index in place.
_BRACKETS = str.maketrans({"〔": "（", "〕": "）", "【": "（", "】": "）", "[": "（", "]": "）"})


def trailing_unit_parenthesis(text: str) -> tuple[str, str] | None:
    """Split "task text（units）" into (text before, parenthesis content) if it names units.

    A closing parenthesis that holds something else ("（PPP）", a document number) is left in
    the task text. 〔…〕, 【…】 and […] count as parentheses.
    """
    original = text.rstrip(" 。；")
    body = original.translate(_BRACKETS)
    if not body.endswith("）"):
        return None
    depth = 0
    for index in range(len(body) - 1, -1, -1):
        char = body[index]
        if char == "）":
            depth += 1
        elif char == "（":
            depth -= 1
            if depth == 0:
                content = body[index + 1 : -1]
                return (original[:index], content) if _names_units(content) else None
    return None


_LABELLED_PARENTHESIS = re.compile(
    r"（([^（）]*(?:牵头|主责|责任|配合|协办|协助|起草)(?:单位|部门|处室|科室)：[^（）]*)）"
)


def labelled_parentheses(text: str) -> list[str]:
    """Every labelled unit parenthesis of an item, in order (an item may print one per
    sentence: "…（责任单位：各行政复议机关）。探索…（责任单位：法制办）。")."""
    return [match.group(1) for match in _LABELLED_PARENTHESIS.finditer(text.translate(_BRACKETS))]


def unit_parenthesis(text: str) -> tuple[str, str] | None:
    """The unit clause of a task paragraph: the trailing parenthesis, else a labelled one.

    "…（责任单位：县司法局）2019年底前完成。" keeps its deadline after the parenthesis; only a
    labelled parenthesis is trusted away from the end.
    """
    trailing = trailing_unit_parenthesis(text)
    if trailing is not None:
        return trailing
    matches = list(_LABELLED_PARENTHESIS.finditer(text.translate(_BRACKETS)))
    return (text[: matches[-1].start()], matches[-1].group(1)) if matches else None


def whole_line_parenthesis(text: str) -> str | None:
    """The content of a line that is nothing but a unit parenthesis ("（区司法局牵头）")."""
    split = trailing_unit_parenthesis(text.strip())
    return split[1] if split is not None and not split[0].strip() else None


def _names_units(content: str) -> bool:
    phrase = parse_unit_text(content)
    names = phrase.names
    if not names:
        return False
    plausible = sum(1 for name in names if looks_like_unit(name))
    if phrase.labelled:
        return True
    if phrase.marked:
        return plausible * 2 >= len(names)
    return plausible == len(names)


_SENTENCES = re.compile(r"[。！？]")
_PARENTHESES = re.compile(r"[（(〔【][^（）()〔〕【】]*[）)〕】]")
_SUBJECT_CLAUSES = re.compile(r"[，；,;]")


def _unit_clause(clause: str) -> bool:
    """A clause that is only names and a role verb ("由县委宣传部牵头", "各镇配合")."""
    body, role = strip_marker(clause.strip().removeprefix("由"))
    if role is None or not body:
        return False
    names = split_names(body)
    return bool(names) and all(looks_like_unit(name) for name in names)


def subject_units(text: str) -> str | None:
    """The unit clauses of an item that names its units as subjects, as one phrase.

    "…。由县委宣传部牵头，县直各部门配合。" gives "县委宣传部牵头，县直各部门配合"; prose that
    only mentions a unit ("区政府要…") gives None.
    """
    found: list[str] = []
    while _PARENTHESES.search(text):  # a unit parenthesis is read as such, not as a subject
        text = _PARENTHESES.sub("", text)
    for sentence in _SENTENCES.split(text):
        clauses = [c for c in _SUBJECT_CLAUSES.split(sentence) if c.strip()]
        found.extend(c.strip().removeprefix("由") for c in clauses if _unit_clause(c))
    return "，".join(found) if found else None
