"""A duty quoted inside “…” keeps one kind of double quote (issue 18: “"12·4"…”)."""

from __future__ import annotations

from bot.text import quoted


def test_quotes_inside_a_quotation_become_single() -> None:
    assert quoted("“12·4”国家宪法日") == "‘12·4’国家宪法日"
    assert quoted('"12·4" and "宪法周"') == "‘12·4’ and ‘宪法周’"
    assert quoted("no quotes") == "no quotes"
    assert quoted(quoted("“a”")) == "‘a’"
