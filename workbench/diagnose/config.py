"""DiagnosisConfig: every knob of the diagnosis, declared and checked in one place."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from workbench.params import check_param

__all__ = ["DiagnosisConfig"]


@dataclass(frozen=True)
class DiagnosisConfig:
    """Settings of :func:`workbench.diagnose.diagnose`.

    Parameters
    ----------
    fdr : float
        False-discovery rate (Benjamini–Hochberg) across all entity × driver tests of one
        entity level. A finding needs its q-value ≤ ``fdr``.
    min_peers : int
        An entity is compared with its team's other reps when the team has at least this
        many with enough data; otherwise with its region's, otherwise the whole company's.
    min_observations : int
        An entity needs this many observations (deals, months, surveys…) for a metric to
        serve as a peer for others. It is still tested itself (shrinkage guards it).
    min_impact_share : float
        Materiality: a finding must cost at least this share of the entity's reference
        bookings (target, or peer-typical bookings without a target).
    min_revenue_impact : float
        Materiality: and at least this much currency.
    thresholds : dict
        Per-driver override of the materiality threshold on the relative (or, for CSAT,
        absolute) gap between the shrunken value and the benchmark, e.g.
        ``{"small_deals": 0.3}``. Defaults are in :data:`workbench.diagnose.DRIVERS`.
    drivers : tuple of str, optional
        Only evaluate these driver keys (default: all registered drivers).
    by : tuple of str
        Entity levels to diagnose: any of ``"rep"``, ``"team"``, ``"region"``.
    root_cause : bool
        Suppress a finding whose declared upstream driver is also found for the same
        entity (e.g. thin pipeline when activity is low), so findings name root causes.
    follow_up_stage_control : bool
        Add the stage a deal reached as a control in the follow-up regression. Off by
        default: the stage reached is on the causal path (slow follow-up loses deals
        early), so controlling for it hides the very effect being measured.
    level : float
        Level of the credible intervals reported with each finding.
    ramp_months : int
        A new rep's first months after their hire date are left out of behaviour and
        funnel metrics (ramping up is expected, not a finding); bookings keep them.
    half_life : float or None
        Borrow strength from the history before a short window: behaviour facts of the
        ``history_months`` before it count with a weight that halves every ``half_life``
        months of age (an exponentially weighted estimate of the *current* rate: the
        steady-state filter of a rate drifting as a random walk). ``None``: the window only.
    history_months : int
        How many months before the window may be borrowed (at most; what the data holds).
    change_months : int
        A ``recent_change`` may start at most this many months before the window ends.

    Examples
    --------
    >>> DiagnosisConfig(fdr=0.1).fdr
    0.1
    >>> DiagnosisConfig(fdr=2)
    Traceback (most recent call last):
    ...
    ValueError: The 'fdr' parameter of DiagnosisConfig must be a float in (0, 1); got 2 instead.
    """

    fdr: float = 0.05
    min_peers: int = 4
    min_observations: int = 5
    min_impact_share: float = 0.02
    min_revenue_impact: float = 0.0
    thresholds: dict = field(default_factory=dict)
    drivers: tuple | None = None
    by: tuple = ("rep", "team", "region")
    root_cause: bool = True
    follow_up_stage_control: bool = False
    level: float = 0.95
    ramp_months: int = 6
    half_life: float | None = 12.0
    history_months: int = 24
    change_months: int = 12

    def __post_init__(self):
        def bad(name, expected):
            check_param("DiagnosisConfig", name, getattr(self, name), expected, False)

        for name in ("fdr", "level"):
            value = getattr(self, name)
            if not isinstance(value, float) or not 0 < value < 1:
                bad(name, "a float in (0, 1)")
        if not isinstance(self.ramp_months, int) or self.ramp_months < 0:
            bad("ramp_months", "an int ≥ 0")
        for name in ("history_months", "change_months"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 0:
                bad(name, "an int ≥ 0")
        if self.half_life is not None and (not isinstance(self.half_life, (int, float)) or self.half_life <= 0):
            bad("half_life", "a number of months > 0, or None")
        for name in ("min_peers", "min_observations"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                bad(name, "an int ≥ 1")
        for name in ("min_impact_share", "min_revenue_impact"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or value < 0:
                bad(name, "a number ≥ 0")
        if isinstance(self.by, str) or not set(self.by) <= {"rep", "team", "region"} or not self.by:
            bad("by", "a non-empty tuple of 'rep', 'team', 'region'")
        from workbench.diagnose.drivers import DRIVERS  # late import: registry needs config

        unknown = set(self.thresholds) | set(self.drivers or ())
        unknown -= set(DRIVERS)
        if unknown:
            raise ValueError(
                f"Unknown driver key(s) {sorted(unknown)} in DiagnosisConfig; "
                f"known drivers are {list(DRIVERS)}."
            )

    def threshold(self, key: str) -> float:
        """The materiality threshold of driver ``key`` (override or rule default)."""
        from workbench.diagnose.drivers import DRIVERS

        return float(self.thresholds.get(key, DRIVERS[key].threshold))

    def replace(self, **changes) -> "DiagnosisConfig":
        """A copy with some settings changed."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return DiagnosisConfig(**values)
