"""The canonical data contract: table and column names are the public interface.

Every table the workbench reads is described here once. Loading, validation, the
sample generator, the importers and the KPI engine all read these definitions, so a
column is added or renamed in exactly one place.

See ``../shared/design/ARCHITECTURE.md`` for the prose version of this contract.

Examples
--------
>>> from workbench.contract import TABLES, REQUIRED_TABLES
>>> REQUIRED_TABLES
('reps', 'opportunities')
>>> [c.name for c in TABLES["reps"].columns]
['rep_id', 'name', 'team', 'region', 'manager_id', 'hire_date']
>>> TABLES["opportunities"].column("outcome").allowed
('open', 'won', 'lost')
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Column",
    "Table",
    "TABLES",
    "TABLE_NAMES",
    "REQUIRED_TABLES",
    "OUTCOMES",
    "ACTIVITY_TYPES",
    "ORDER_STATUSES",
    "ENTITY_TYPES",
]

#: Allowed values of ``opportunities.outcome``.
OUTCOMES = ("open", "won", "lost")
#: Allowed values of ``activities.type``.
ACTIVITY_TYPES = ("call", "email", "meeting", "demo", "visit", "other")
#: Allowed values of ``orders.status``.
ORDER_STATUSES = ("completed", "cancelled", "pending")
#: Entity levels, from the most detailed to the whole company.
ENTITY_TYPES = ("rep", "team", "region", "company")


@dataclass(frozen=True)
class Column:
    """One column of a contract table.

    Parameters
    ----------
    name : str
        Column name, snake_case; part of the public interface.
    dtype : {"str", "float", "datetime", "date"}
        Logical type. ``date`` columns are loaded as ``datetime64[ns]`` at midnight.
    nullable : bool
        Whether the value may be empty. A nullable column may also be absent.
    allowed : tuple of str, optional
        The only values the column may take (after lower-casing), for enum columns.
    min_value, max_value : float, optional
        Inclusive bounds for numeric columns.
    references : str, optional
        ``"table.column"`` this column must match (a foreign key), e.g. ``"reps.rep_id"``.
    description : str
        What the column means, for docs and error messages.
    """

    name: str
    dtype: str
    nullable: bool = False
    allowed: tuple[str, ...] | None = None
    min_value: float | None = None
    max_value: float | None = None
    references: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Table:
    """One contract table: its columns, its key and whether it is required."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    required: bool = False
    description: str = ""
    _by_name: dict = field(default_factory=dict, repr=False, compare=False)
    in_sample: bool = True  # False: an import-only table the sample generator does not write

    def __post_init__(self):
        self._by_name.update({c.name: c for c in self.columns})

    @property
    def column_names(self) -> list[str]:
        """Names of all columns, in contract order."""
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        """Names of the columns that must be present and non-empty."""
        return [c.name for c in self.columns if not c.nullable]

    def column(self, name: str) -> Column:
        """Return the :class:`Column` called ``name``."""
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(
                f"Table {self.name!r} has no column {name!r}; "
                f"its columns are {self.column_names}."
            ) from None


def _t(name, columns, key=(), required=False, description="", in_sample=True):
    return Table(name, tuple(columns), tuple(key), required, description, in_sample=in_sample)


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        _t(
            "reps",
            [
                Column("rep_id", "str", description="stable id of the sales rep"),
                Column("name", "str", description="display name"),
                Column("team", "str", description="team the rep belongs to"),
                Column("region", "str", description="sales region"),
                Column("manager_id", "str", nullable=True, description="id of the rep's manager"),
                Column("hire_date", "date", nullable=True, description="date the rep was hired"),
            ],
            key=("rep_id",),
            required=True,
            description="one row per sales rep",
        ),
        _t(
            "opportunities",
            [
                Column("opportunity_id", "str", description="stable id of the deal"),
                Column("rep_id", "str", references="reps.rep_id", description="owner of the deal"),
                Column("account_id", "str", nullable=True),
                Column("product", "str", nullable=True),
                Column("source", "str", nullable=True, description="lead source"),
                Column("created_at", "datetime", description="when the deal was created"),
                Column("first_touch_at", "datetime", nullable=True, description="first contact with the lead"),
                Column("stage", "str", description="current stage name"),
                Column("amount", "float", min_value=0.0, description="deal value in currency"),
                Column("expected_close", "date", nullable=True),
                Column("closed_at", "datetime", nullable=True, description="when the deal was won or lost"),
                Column("outcome", "str", allowed=OUTCOMES),
                Column("lost_reason", "str", nullable=True),
                Column("competitor", "str", nullable=True),
            ],
            key=("opportunity_id",),
            required=True,
            description="one row per deal; bookings = amount of won deals by closed_at",
        ),
        _t(
            "stage_history",
            [
                Column("opportunity_id", "str", references="opportunities.opportunity_id"),
                Column("stage", "str"),
                Column("entered_at", "datetime"),
            ],
            key=("opportunity_id", "stage", "entered_at"),
            description="each stage a deal entered, and when",
        ),
        _t(
            "activities",
            [
                Column("activity_id", "str"),
                Column("rep_id", "str", references="reps.rep_id"),
                Column("opportunity_id", "str", nullable=True, references="opportunities.opportunity_id"),
                Column("account_id", "str", nullable=True),
                Column("type", "str", allowed=ACTIVITY_TYPES),
                Column("at", "datetime"),
            ],
            key=("activity_id",),
            description="calls, emails, meetings, demos and visits",
        ),
        _t(
            "orders",
            [
                Column("order_id", "str"),
                Column("rep_id", "str", references="reps.rep_id"),
                Column("account_id", "str", nullable=True),
                Column("product", "str", nullable=True),
                Column("ordered_at", "datetime"),
                Column("amount", "float", min_value=0.0),
                Column("status", "str", allowed=ORDER_STATUSES),
            ],
            key=("order_id",),
            description="orders placed; completion rate",
        ),
        _t(
            "targets",
            [
                Column("entity_type", "str", allowed=ENTITY_TYPES),
                Column("entity_id", "str"),
                Column("period", "str", description="2026-03 (month) or 2026-Q1 (quarter)"),
                Column("metric", "str", description="bookings, orders, new_accounts, csat, activities, ..."),
                Column("target", "float", min_value=0.0),
            ],
            key=("entity_type", "entity_id", "period", "metric"),
            description="targets (quotas) per entity, period and metric",
        ),
        _t(
            "surveys",
            [
                Column("survey_id", "str"),
                Column("rep_id", "str", references="reps.rep_id"),
                Column("account_id", "str", nullable=True),
                Column("at", "datetime"),
                Column("score", "float", min_value=1.0, max_value=5.0, description="CSAT 1-5"),
            ],
            key=("survey_id",),
            description="customer satisfaction surveys",
        ),
        _t(
            "skills",
            [
                Column("rep_id", "str", references="reps.rep_id"),
                Column("skill", "str"),
                Column("score", "float", min_value=0.0, max_value=100.0),
                Column("assessed_at", "date"),
            ],
            key=("rep_id", "skill", "assessed_at"),
            description="skill assessments, 0-100",
        ),
        _t(
            "training_catalog",
            [
                Column("module_id", "str"),
                Column("title", "str"),
                Column("skill", "str"),
                Column("hours", "float", min_value=0.0),
                Column("format", "str", nullable=True),
            ],
            key=("module_id",),
            description="training modules that can be recommended",
        ),
        _t(
            "training_log",
            [
                Column("rep_id", "str", references="reps.rep_id"),
                Column("module_id", "str", references="training_catalog.module_id"),
                Column("completed_at", "date"),
            ],
            key=("rep_id", "module_id", "completed_at"),
            description="training completed by reps",
        ),
        _t(
            "market",
            [
                Column("period", "str", description="2026-03 (month) or 2026-Q1 (quarter)"),
                Column("region", "str"),
                Column("product", "str", nullable=True),
                Column("market_size", "float", min_value=0.0),
            ],
            key=("period", "region", "product"),
            description="market size per period, region and product",
        ),
        _t(
            "deal_people",
            [
                Column("opportunity_id", "str", references="opportunities.opportunity_id"),
                Column("rep_id", "str", references="reps.rep_id"),
                Column("role", "str", description="sdr, collaborator, ... (the owner is opportunities.rep_id)"),
            ],
            key=("opportunity_id", "rep_id", "role"),
            description="people on a deal besides its owner; KPIs credit the owner (opportunities.rep_id)",
            in_sample=False,
        ),
    ]
}

#: Table names in load order (referenced tables come before the tables that refer to them).
TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
#: Tables every source must provide.
REQUIRED_TABLES: tuple[str, ...] = tuple(n for n, t in TABLES.items() if t.required)
