"""Commission plans: the declarative plan (TOML), its validation and its rate schedule.

A plan is read once here, checked key by key, and turned into a :class:`CommissionPlan`
whose :meth:`~CommissionPlan.schedule` is the one rate schedule that both the payout of
actual results (:mod:`workbench.incentives.payout`) and the simulation
(:mod:`workbench.incentives.simulate`) apply. Attainments are fractions (``1.0`` = 100 %
of target); rates are fractions of bookings (``0.05`` = 5 %). See ``docs/incentives.md``
for every key.

Examples
--------
>>> plan = plan_from_dict({"name": "Demo", "period": "Q", "base_rate": 0.05,
...     "tiers": [{"from": 0.0, "to": 1.0, "rate": 0.05}, {"from": 1.0, "rate": 0.08}],
...     "accelerator": {"above": 1.2, "multiplier": 1.5}, "cap": {"attainment": 2.0}})
>>> [(s.label, s.start, s.end, round(s.rate, 3)) for s in plan.schedule()]
[('Tier 1', 0.0, 1.0, 0.05), ('Tier 2', 1.0, 1.2, 0.08), ('Tier 2 ×1.5 accelerator', 1.2, 2.0, 0.12)]
>>> plan_from_dict({"tiers": [{"from": 0.0, "to": 1.0, "rate": 0.05}, {"from": 0.9, "rate": 0.08}]})
Traceback (most recent call last):
...
workbench.errors.PlanError: plan: tiers[1].from: 0.9 overlaps tiers[0], which ends at 1; tiers must follow one another (from = the previous tier's to)
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import PlanError

__all__ = [
    "CommissionPlan", "Tier", "Accelerator", "Decelerator", "Cap", "Spif", "TeamBonus", "Draw", "Clawback",
    "Segment", "load_plan", "plan_from_dict", "PLAN_METRICS", "PLAN_PERIODS",
]

#: Metrics a plan can pay on (the KPI whose actual and target give attainment).
PLAN_METRICS = ("bookings",)
#: Plan periods: month or quarter.
PLAN_PERIODS = ("M", "Q")


@dataclass(frozen=True)
class Tier:
    """A band of attainment ``[start, end)`` paid at ``rate`` (``end`` None: open ended)."""

    start: float
    end: float | None
    rate: float
    name: str = ""


@dataclass(frozen=True)
class Accelerator:
    """Rates on bookings above ``above`` attainment (≥ 1.0) are multiplied by ``multiplier`` (≥ 1)."""

    above: float = 1.0
    multiplier: float = 1.0


@dataclass(frozen=True)
class Decelerator:
    """Rates on bookings below ``below`` attainment are multiplied by ``multiplier`` (0–1)."""

    below: float = 0.5
    multiplier: float = 1.0


@dataclass(frozen=True)
class Cap:
    """Commission capped at ``payout`` (currency) and/or bookings above ``attainment`` earning nothing."""

    payout: float | None = None
    attainment: float | None = None


@dataclass(frozen=True)
class Spif:
    """A product SPIF: ``per_deal`` currency per won deal of ``product``, or ``rate`` of its won amount."""

    product: str
    per_deal: float | None = None
    rate: float | None = None


@dataclass(frozen=True)
class TeamBonus:
    """``amount`` paid to every rep of a team whose attainment reaches ``attainment``."""

    amount: float
    attainment: float = 1.0


@dataclass(frozen=True)
class Draw:
    """A guaranteed ``amount`` per period; a ``recoverable`` draw's shortfall is owed back later."""

    amount: float
    recoverable: bool = True


@dataclass(frozen=True)
class Clawback:
    """Commission on a deal cancelled within ``window_days`` of its win is taken back at ``rate``."""

    window_days: int = 90
    rate: float | None = None


@dataclass(frozen=True)
class Segment:
    """One band of the rate schedule: bookings between ``start`` and ``end`` attainment earn ``rate``."""

    label: str
    start: float
    end: float
    rate: float
    tier: int  # index into the plan's tiers, -1 for the base rate
    multiplier: float = 1.0  # accelerator (> 1) or decelerator (< 1), already in ``rate``
    unit_rate: float = 0.0  # the tier's (or base) rate before the multiplier


@dataclass(frozen=True)
class CommissionPlan:
    """A validated commission plan; build it with :func:`load_plan` or :func:`plan_from_dict`.

    Attributes
    ----------
    name, metric, period : str
        The plan's name, the KPI it pays on (``bookings``) and its period (``M`` or ``Q``).
    base_rate : float
        Rate on bookings in any attainment band no tier covers.
    threshold : float
        Attainment below which no commission is paid (SPIFs and the team bonus still are).
    tiers : tuple of Tier
    accelerator, decelerator, cap, team_bonus, draw, clawback : optional
    spifs : tuple of Spif
    source : str
        The file the plan was read from (or ``"plan"``).
    """

    name: str = "plan"
    metric: str = "bookings"
    period: str = "Q"
    base_rate: float = 0.0
    threshold: float = 0.0
    tiers: tuple[Tier, ...] = ()
    accelerator: Accelerator | None = None
    decelerator: Decelerator | None = None
    cap: Cap | None = None
    spifs: tuple[Spif, ...] = ()
    team_bonus: TeamBonus | None = None
    draw: Draw | None = None
    clawback: Clawback | None = None
    source: str = field(default="plan", compare=False)

    def schedule(self) -> list[Segment]:
        """The rate schedule: contiguous bands from 0 attainment to the cap (or open ended).

        Tiers replace the base rate in their band; the accelerator and decelerator
        multiply the rate above / below their attainment; an attainment cap ends the
        last band. The threshold is not a band: it gates the whole commission.
        """
        cuts = {0.0}
        for tier in self.tiers:
            cuts.add(tier.start)
            if tier.end is not None:
                cuts.add(tier.end)
        if self.accelerator is not None:
            cuts.add(self.accelerator.above)
        if self.decelerator is not None:
            cuts.add(self.decelerator.below)
        top = self.cap.attainment if self.cap is not None and self.cap.attainment is not None else math.inf
        cuts = sorted(c for c in cuts if c < top) + [top]
        segments = []
        for start, end in zip(cuts[:-1], cuts[1:]):
            index, label, rate, multiplier = -1, "Base rate", self.base_rate, 1.0
            for i, tier in enumerate(self.tiers):
                if tier.start <= start and (tier.end is None or start < tier.end):
                    index, label, rate = i, tier.name or f"Tier {i + 1}", tier.rate
            if self.accelerator is not None and start >= self.accelerator.above and self.accelerator.multiplier != 1:
                multiplier *= self.accelerator.multiplier
                label += f" ×{self.accelerator.multiplier:g} accelerator"
            if self.decelerator is not None and end <= self.decelerator.below and self.decelerator.multiplier != 1:
                multiplier *= self.decelerator.multiplier
                label += f" ×{self.decelerator.multiplier:g} decelerator"
            segments.append(Segment(label, float(start), float(end), float(rate * multiplier), index,
                                    float(multiplier), float(rate)))
        return segments

    @property
    def freq(self) -> str:
        """The plan period as a frequency code (``M`` or ``Q``)."""
        return self.period


# --- loading and validation -------------------------------------------------------------------

_TOP_KEYS = {"name", "metric", "period", "base_rate", "threshold", "tiers", "accelerator", "decelerator", "cap",
             "spifs", "team_bonus", "draw", "clawback"}
_TABLE_KEYS = {
    "tiers": {"from", "to", "rate", "name"},
    "accelerator": {"above", "multiplier"},
    "decelerator": {"below", "multiplier"},
    "cap": {"payout", "attainment"},
    "spifs": {"product", "per_deal", "rate"},
    "team_bonus": {"amount", "attainment"},
    "draw": {"amount", "recoverable"},
    "clawback": {"window_days", "rate"},
}


class _Checker:
    """Collects problems, each starting with its key path."""

    def __init__(self):
        self.problems: list[str] = []
        self.keys: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.problems.append(f"{key}: {message}")
        self.keys.append(key)

    def number(self, table: dict, key: str, path: str, *, default=None, minimum=None, required=False,
               above=None, integer=False):
        if key not in table:
            if required:
                self.add(path, "is required")
            return default
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
            self.add(path, f"must be {'a whole number' if integer else 'a number'}; got {value!r}")
            return default
        value = int(value) if integer else float(value)
        if not math.isfinite(value):
            self.add(path, f"must be a finite number; got {value!r}")
            return default
        if minimum is not None and value < minimum:
            what = "rates cannot be negative" if path.endswith("rate") else f"must be {minimum:g} or more"
            self.add(path, f"{value:g}: {what}")
            return default
        if above is not None and value <= above:
            self.add(path, f"{value:g}: must be more than {above:g}")
            return default
        return value

    def text(self, table: dict, key: str, path: str, default=None, required=False):
        if key not in table:
            if required:
                self.add(path, "is required")
            return default
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            self.add(path, f"must be non-empty text; got {value!r}")
            return default
        return value.strip()

    def table(self, raw: dict, key: str):
        if key not in raw:
            return None
        value = raw[key]
        if not isinstance(value, dict):
            self.add(key, f"must be a table ([{key}]); got {type(value).__name__}")
            return None
        self.unknown(value, _TABLE_KEYS[key], key)
        return value

    def unknown(self, table: dict, known: set, path: str) -> None:
        import difflib

        for extra in table:
            if extra not in known:
                hint = difflib.get_close_matches(str(extra), sorted(known), n=1)
                where = f"{path}.{extra}" if path else str(extra)
                self.add(where, "unknown key" + (f" (did you mean {hint[0]!r}?)" if hint else "")
                         + f"; known keys: {', '.join(sorted(known))}")


def load_plan(path) -> CommissionPlan:
    """Read and validate a plan file (TOML).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    CommissionPlan

    Raises
    ------
    PlanError
        When the file is not valid TOML or the plan is invalid; the message names the
        file and every offending key.
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanError(f"{path}: no such plan file") from None
    except tomllib.TOMLDecodeError as err:
        raise PlanError(f"{path.name}: not valid TOML: {err}") from None
    return plan_from_dict(raw, source=path.name)


def plan_from_dict(raw: dict, source: str = "plan") -> CommissionPlan:
    """Validate a plan given as a dict (the parsed TOML) and build it.

    Raises
    ------
    PlanError
        Listing every problem with its key path (``tiers[2].from``, ``cap.attainment``);
        ``key`` is the first one.
    """
    check = _Checker()
    if not isinstance(raw, dict):
        raise PlanError(f"{source}: a plan must be a table of keys; got {type(raw).__name__}")
    check.unknown(raw, _TOP_KEYS, "")
    name = check.text(raw, "name", "name", default="plan")
    metric = check.text(raw, "metric", "metric", default="bookings")
    if metric not in PLAN_METRICS:
        check.add("metric", f"{metric!r}: plans pay on {', '.join(map(repr, PLAN_METRICS))}")
    period = check.text(raw, "period", "period", default="Q")
    if period is not None and period.upper() not in PLAN_PERIODS:
        check.add("period", f"{period!r}: must be 'M' (month) or 'Q' (quarter)")
    period = (period or "Q").upper()
    base_rate = check.number(raw, "base_rate", "base_rate", default=0.0, minimum=0.0)
    threshold = check.number(raw, "threshold", "threshold", default=0.0, minimum=0.0)
    tiers = _tiers(raw, check)
    accelerator = _accelerator(check.table(raw, "accelerator"), check)
    decelerator = _decelerator(check.table(raw, "decelerator"), check, threshold)
    cap = _cap(check.table(raw, "cap"), check, threshold)
    spifs = _spifs(raw, check)
    bonus = check.table(raw, "team_bonus")
    team_bonus = None if bonus is None else TeamBonus(
        check.number(bonus, "amount", "team_bonus.amount", required=True, minimum=0.0, default=0.0),
        check.number(bonus, "attainment", "team_bonus.attainment", default=1.0, above=0.0))
    draw_table = check.table(raw, "draw")
    draw = None
    if draw_table is not None:
        recoverable = draw_table.get("recoverable", True)
        if not isinstance(recoverable, bool):
            check.add("draw.recoverable", f"must be true or false; got {recoverable!r}")
        draw = Draw(check.number(draw_table, "amount", "draw.amount", required=True, minimum=0.0, default=0.0),
                    bool(recoverable))
    claw = check.table(raw, "clawback")
    clawback = None if claw is None else Clawback(
        check.number(claw, "window_days", "clawback.window_days", default=90, minimum=1, integer=True),
        check.number(claw, "rate", "clawback.rate", minimum=0.0))
    if not tiers and not base_rate and not spifs and team_bonus is None and draw is None:
        check.add("base_rate", "the plan pays nothing: give base_rate, tiers, spifs, team_bonus or a draw")
    if check.problems:
        head = check.problems[0] if len(check.problems) == 1 else f"{len(check.problems)} problems"
        lines = "" if len(check.problems) == 1 else "\n  " + "\n  ".join(check.problems)
        raise PlanError(f"{source}: {head}{lines}", key=check.keys[0], problems=check.problems)
    return CommissionPlan(name=name, metric=metric, period=period, base_rate=base_rate, threshold=threshold,
                          tiers=tiers, accelerator=accelerator, decelerator=decelerator, cap=cap, spifs=spifs,
                          team_bonus=team_bonus, draw=draw, clawback=clawback, source=source)


def _array_of_tables(raw: dict, key: str, check: _Checker) -> list[tuple[str, dict]]:
    if key not in raw:
        return []
    value = raw[key]
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        check.add(key, f"must be an array of tables ([[{key}]])")
        return []
    out = []
    for i, item in enumerate(value):
        check.unknown(item, _TABLE_KEYS[key], f"{key}[{i}]")
        out.append((f"{key}[{i}]", item))
    return out


def _tiers(raw: dict, check: _Checker) -> tuple[Tier, ...]:
    items = _array_of_tables(raw, "tiers", check)
    tiers = []
    for i, (path, item) in enumerate(items):
        start = check.number(item, "from", f"{path}.from", required=True, minimum=0.0)
        end = check.number(item, "to", f"{path}.to")
        rate = check.number(item, "rate", f"{path}.rate", required=True, minimum=0.0)
        name = check.text(item, "name", f"{path}.name", default="")
        if end is None and "to" not in item and i < len(items) - 1:
            check.add(f"{path}.to", "is required (only the last tier may be open ended)")
        if start is not None and end is not None and end <= start:
            check.add(f"{path}.to", f"{end:g} must be more than from ({start:g})")
            end = None
        tiers.append(Tier(start if start is not None else math.nan, end, rate if rate is not None else 0.0, name))
    for i in range(1, len(tiers)):
        before, tier = tiers[i - 1], tiers[i]
        if before.end is None or math.isnan(tier.start) or math.isnan(before.start):
            continue
        if tier.start < before.end:
            check.add(f"tiers[{i}].from", f"{tier.start:g} overlaps tiers[{i - 1}], which ends at {before.end:g}; "
                      "tiers must follow one another (from = the previous tier's to)")
        elif tier.start > before.end:
            check.add(f"tiers[{i}].from", f"{tier.start:g} leaves a gap after tiers[{i - 1}], which ends at "
                      f"{before.end:g}; tiers must follow one another (from = the previous tier's to)")
    return tuple(tiers)


def _accelerator(table, check: _Checker):
    if table is None:
        return None
    above = check.number(table, "above", "accelerator.above", default=1.0, minimum=1.0)
    multiplier = check.number(table, "multiplier", "accelerator.multiplier", required=True, minimum=1.0, default=1.0)
    return Accelerator(above, multiplier)


def _decelerator(table, check: _Checker, threshold: float):
    if table is None:
        return None
    below = check.number(table, "below", "decelerator.below", required=True, above=0.0, default=0.5)
    if below is not None and below > 1.0:
        check.add("decelerator.below", f"{below:g}: a decelerator applies below 100 % attainment (1.0 or less)")
    if below is not None and threshold and below <= threshold:
        check.add("decelerator.below", f"{below:g} is not above threshold ({threshold:g}): it would never apply")
    multiplier = check.number(table, "multiplier", "decelerator.multiplier", required=True, minimum=0.0, default=1.0)
    if multiplier is not None and multiplier > 1.0:
        check.add("decelerator.multiplier", f"{multiplier:g}: must be between 0 and 1 (use [accelerator] to pay more)")
    return Decelerator(below, multiplier)


def _cap(table, check: _Checker, threshold: float):
    if table is None:
        return None
    payout = check.number(table, "payout", "cap.payout", above=0.0)
    attainment = check.number(table, "attainment", "cap.attainment", above=0.0)
    if "payout" not in table and "attainment" not in table:
        check.add("cap", "give payout (currency) and/or attainment (e.g. 2.0 for 200 %)")
    if attainment is not None and attainment <= threshold:
        check.add("cap.attainment", f"{attainment:g} is below or at threshold ({threshold:g}): nothing could be paid")
    return Cap(payout, attainment)


def _spifs(raw: dict, check: _Checker) -> tuple[Spif, ...]:
    spifs, seen = [], set()
    for path, item in _array_of_tables(raw, "spifs", check):
        product = check.text(item, "product", f"{path}.product", required=True, default="")
        per_deal = check.number(item, "per_deal", f"{path}.per_deal", minimum=0.0)
        rate = check.number(item, "rate", f"{path}.rate", minimum=0.0)
        if ("per_deal" in item) == ("rate" in item):
            check.add(path, "give exactly one of per_deal (currency per won deal) or rate (share of the won amount)")
        if product in seen:
            check.add(f"{path}.product", f"{product!r} has a SPIF already")
        seen.add(product)
        spifs.append(Spif(product, per_deal, rate))
    return tuple(spifs)
