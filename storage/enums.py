"""The domain's enumerations, as plain `StrEnum`s with no SQLAlchemy in sight.

They sit at the bottom of the house: the models store them (`storage.models`), the rule reader
and the date math compute with them (`scheduling`), the importer names unit kinds with them
(`bot.importing`). One definition each; the values are the strings stored in the database.
"""

from __future__ import annotations

from enum import StrEnum


class UnitKind(StrEnum):
    """What sort of body a unit is (`unit_kinds.classify`); groups and statutory duties bind
    by these kinds. COMMITTEE is what earlier versions called party, congress and zone
    bodies alike; new names get the finer kinds."""

    DEPARTMENT = "department"  # a government department (局, 委, 办 of the government)
    PARTY = "party"  # an organ of the party committee (区委办, 组织部, 政法委, 纪委监委 …)
    CONGRESS = "congress"  # the people's congress or CPPCC and their offices
    JUDICIAL = "judicial"  # the court or the procuratorate
    MASS = "mass"  # a mass organisation (工会, 团委, 妇联, 科协, 残联 …)
    TOWN = "town"  # a township or town government
    STREET = "street"  # a street office
    INSTITUTION = "institution"  # a public institution or enterprise (中心, 医院, 学校, 公司 …)
    GOVERNMENT = "government"  # a people's government itself, a zone's administration
    COMMITTEE = "committee"
    OTHER = "other"


class JurisdictionLevel(StrEnum):
    """Where a jurisdiction stands in the administrative tree (省, 市, 县, 区, 乡镇, 街道)."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    DISTRICT = "district"
    TOWNSHIP = "township"
    STREET = "street"

    @classmethod
    def of_place(cls, name: str) -> JurisdictionLevel:
        """The level a place's name says (下陆区 → district, 宝应县 → county); a district when
        the name says nothing (the level a deployment of one office most often is)."""
        for suffix, level in _LEVEL_SUFFIXES:
            if name.endswith(suffix):
                return cls(level)
        return cls.DISTRICT


_LEVEL_SUFFIXES = (
    ("街道", "street"),
    ("自治区", "province"),
    ("自治州", "city"),
    ("地区", "city"),
    ("省", "province"),
    ("市", "city"),
    ("盟", "city"),
    ("县", "county"),
    ("旗", "county"),
    ("区", "district"),
    ("镇", "township"),
    ("乡", "township"),
)


class Role(StrEnum):
    LIAISON = "liaison"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class UnitRole(StrEnum):
    LEAD = "lead"
    RESPONSIBLE = "responsible"


class RuleKind(StrEnum):
    """How a schedule rule is due (see `scheduling.dates.model.Rule`)."""

    ONE_OFF = "one_off"
    YEARLY_DATE = "yearly_date"
    YEARLY_WINDOW = "yearly_window"
    YEARLY_EVENT = "yearly_event"
    PERIODIC = "periodic"
    YEARLY_COUNT = "yearly_count"
    EVENT_RELATIVE = "event_relative"
    ONGOING = "ongoing"


class AssignmentStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    MORE_TIME = "more_time"
    DONE = "done"
    WAIVED = "waived"
    CANCELLED = "cancelled"


CLOSED_STATUSES = frozenset(
    {AssignmentStatus.DONE, AssignmentStatus.WAIVED, AssignmentStatus.CANCELLED}
)


class ExtensionState(StrEnum):
    """Where a liaison's request for a later due date stands; only a coordinator decides."""

    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # undone by the liaison, or replaced by a newer request


class ReminderKind(StrEnum):
    CHECKIN = "checkin"  # a progress question about an undated duty, not a deadline
    WINDOW_OPEN = "window_open"
    LEAD = "lead"
    DUE = "due"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    DIGEST = "digest"
    NOTICE = "notice"


class ReminderState(StrEnum):
    PLANNED = "planned"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    COLLAPSED = "collapsed"
