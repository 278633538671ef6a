"""Names of the kinds of units, in the reader's language (board filters, the chat's review)."""

from __future__ import annotations

from bot.i18n import Translator, _
from storage.enums import UnitKind

KIND_NAMES: dict[str, str] = {
    UnitKind.DEPARTMENT.value: _("government department"),
    UnitKind.PARTY.value: _("party organ"),
    UnitKind.CONGRESS.value: _("people's congress or CPPCC"),
    UnitKind.JUDICIAL.value: _("court or procuratorate"),
    UnitKind.MASS.value: _("mass organisation"),
    UnitKind.TOWN.value: _("town or township"),
    UnitKind.STREET.value: _("street office"),
    UnitKind.INSTITUTION.value: _("public institution"),
    UnitKind.GOVERNMENT.value: _("government"),
    UnitKind.COMMITTEE.value: _("committee office"),
    UnitKind.OTHER.value: _("other"),
}
# the kinds a coordinator picks from (the committee kind is only ever read from a name)
CHOOSABLE_KINDS = tuple(kind for kind in KIND_NAMES if kind != UnitKind.COMMITTEE.value)


def kind_label(kind: str, t: Translator) -> str:
    return t.gettext(KIND_NAMES.get(kind, KIND_NAMES[UnitKind.OTHER.value]))
