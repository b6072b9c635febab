"""The diagnosis engine: run every rule on every entity level, control false discoveries,
test materiality, attribute root causes and assemble the result."""

from __future__ import annotations

import dataclasses
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.diagnose import stats
from workbench.diagnose.changes import CHANGE_METRICS, rep_observations
from workbench.diagnose.competition import competition_analysis
from workbench.diagnose.config import DiagnosisConfig
from workbench.diagnose.decomposition import DECOMPOSITION_COLUMNS, decompose
from workbench.diagnose.drivers import DRIVERS, Context, untested_reason
from workbench.diagnose.evidence import sentence
from workbench.diagnose.facts import entity_frames, prepare
from workbench.diagnose.follow_up import FollowUpEffect, fit_follow_up_effect
from workbench.diagnose.funnel import funnel_steps
from workbench.diagnose.opportunities import find_opportunities
from workbench.diagnose.selection import select
from workbench.diagnose.stalls import STUCK_COLUMNS, stuck_deals
from workbench.diagnose.window import Window
from workbench.errors import KPIUnavailableWarning
from workbench.kpi import compute_kpis, kpi_tables
from workbench.kpi.facts import as_sales_input
from workbench.memo import remember
from workbench.messages import message
from workbench.params import check_lang
from workbench.periods import parse_period

__all__ = ["diagnose", "Diagnosis", "FINDING_COLUMNS", "PERIOD_FIGURE_COLUMNS", "NOT_TESTED_COLUMNS"]

#: Columns of ``Diagnosis.findings`` (the first eleven are the public contract).
FINDING_COLUMNS = [
    "entity_type", "entity_id", "driver", "detail", "value", "benchmark", "gap",
    "revenue_impact", "confidence", "evidence", "evidence_zh",
    "team", "region", "n", "ci_low", "ci_high", "p_value", "q_value", "unit", "label",
    "since", "history_months", "n_window",
]
#: Columns of ``Diagnosis.period_figures``: the labelled period's KPIs per entity.
PERIOD_FIGURE_COLUMNS = ["entity_type", "entity_id", "period", "bookings", "bookings_target", "quota_attainment"]
#: Columns of ``Diagnosis.not_tested``: drivers that could not be tested, and why.
NOT_TESTED_COLUMNS = ["entity_type", "driver", "label", "reason", "label_zh", "reason_zh"]
_TEST_COLUMNS = [
    "entity", "detail", "n", "raw", "value", "benchmark", "ci_low", "ci_high", "gap",
    "p_value", "revenue_impact", "since", "history_months", "n_window", "window_share",
]


@dataclass(frozen=True)
class Diagnosis:
    """Result of :func:`diagnose` (compute once, draw separately).

    Attributes
    ----------
    findings : DataFrame
        One row per entity × driver × detail that is both significant (BH q ≤ ``fdr``)
        and material, after root-cause attribution; sorted by revenue impact (largest
        first). Columns: see :data:`FINDING_COLUMNS`.
    team_summary : DataFrame
        One row per team: the period's ``bookings``, ``target``, ``gap`` and
        ``attainment`` (the KPIs of the labelled period, see ``period_figures``), the
        window's ``window_bookings``, ``window_target``, ``window_gap`` and
        ``peer_bookings`` (what the decomposition explains), reps with findings, top
        driver and the revenue at stake.
    period_figures : DataFrame
        The labelled period's ``bookings``, ``bookings_target`` and ``quota_attainment``
        per rep, team, region and company: exactly the KPI table's values
        (:func:`workbench.kpi.compute_kpis`). Headlines show these.
    not_tested : DataFrame
        Drivers that could not be tested on a level, with the reason (a missing table,
        no stage history, a single team with no peers, …): ``entity_type, driver, label,
        reason, label_zh, reason_zh`` (the driver's label and the reason in Chinese).
    decomposition : DataFrame
        LMDI parts of each entity's gap; per entity the ``contribution`` column sums to
        ``actual_bookings − (target, else peer_bookings)``.
    follow_up_effect : FollowUpEffect or None
        The company-wide effect of follow-up speed on winning.
    opportunities : DataFrame
        Segments worth attacking (see :mod:`workbench.diagnose.opportunities`).
    competition : DataFrame
        Losses to competitors by rep, product and region, and how they changed.
    tests : DataFrame
        Every test that was run, with q-values and the reasons a finding was or was not
        raised (``significant``, ``material``, ``suppressed_by``): the audit trail.
    window : Window
        The months analysed.
    timings : dict
        Seconds spent per step.
    stuck_deals : DataFrame
        Deals open at the window end that have sat in their stage longer than the 90th
        percentile of that stage (:data:`workbench.diagnose.stalls.STUCK_COLUMNS`), largest
        amount first, with a sentence in English (``note``) and Chinese (``note_zh``).
    history : Window or None
        The months the behaviour facts reach back to when the history before a short
        window is borrowed (``DiagnosisConfig.half_life``); None when the window is all of it.
    """

    findings: pd.DataFrame
    team_summary: pd.DataFrame
    decomposition: pd.DataFrame
    follow_up_effect: FollowUpEffect | None
    opportunities: pd.DataFrame
    competition: pd.DataFrame
    tests: pd.DataFrame = field(repr=False)
    window: Window = None
    period_figures: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PERIOD_FIGURE_COLUMNS),
                                         repr=False)
    not_tested: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=NOT_TESTED_COLUMNS), repr=False)
    config: DiagnosisConfig = field(default_factory=DiagnosisConfig, repr=False)
    timings: dict = field(default_factory=dict, repr=False)
    stuck_deals: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=STUCK_COLUMNS), repr=False)
    history: Window | None = field(default=None, repr=False)

    def for_entity(self, entity_id: str, entity_type: str = "rep") -> pd.DataFrame:
        """Findings of one entity."""
        f = self.findings
        return f[(f["entity_type"] == entity_type) & (f["entity_id"] == str(entity_id))].reset_index(drop=True)

    def __repr__(self) -> str:
        reps = self.findings.loc[self.findings["entity_type"] == "rep", "entity_id"].nunique()
        return (
            f"Diagnosis(window={self.window.label if self.window else None}, "
            f"findings={len(self.findings)}, reps_with_findings={reps})"
        )


def _reference_bookings(frames: dict, ctx: Context, config: DiagnosisConfig) -> pd.Series:
    f = ctx.funnel
    eligible = f["decided"] >= config.min_observations
    peer, _, _ = stats.peer_benchmark(f["bookings"], eligible, frames["groups"], config.min_peers)
    peer = peer.fillna(f["bookings"].median())
    return frames["entities"]["target"].fillna(peer)


def _decide(tests: pd.DataFrame, config: DiagnosisConfig, reference: pd.Series) -> pd.DataFrame:
    t = tests.copy()
    if t.empty:  # e.g. a level with a single entity: nothing to compare
        return t.assign(q_value=pd.Series(dtype=float), significant=pd.Series(dtype=bool),
                        material=pd.Series(dtype=bool), confidence=pd.Series(dtype=float))
    # a family per entity × driver, as integer codes; each metric of a recent change is its own
    # question (did follow-up slip? did deal sizes?), not one of several details of a single driver:
    # a family of its own
    change = (t["driver"] == "recent_change").to_numpy()
    entity, driver = pd.factorize(t["entity"])[0], pd.factorize(t["driver"])[0]
    detail, detail_names = pd.factorize(t["detail"])
    families = (entity * (driver.max() + 1) + driver) * (len(detail_names) + 1) + np.where(change, detail + 1, 0)
    # what changed and where a team is stuck are questions of their own: each kind is controlled at
    # the FDR level separately, so asking them leaves the persistent drivers' findings as they were
    q_value = np.full(len(t), np.nan)
    kind = np.where(change, 1, np.where((t["driver"] == "stage_bottleneck").to_numpy(), 2, 0))
    for k in np.unique(kind):
        part = kind == k
        family_q, member_q = stats.hierarchical_fdr(t["p_value"].to_numpy(float)[part], families[part], config.fdr)
        q_value[part] = np.fmax(family_q, member_q)
    t["q_value"] = q_value
    t["significant"] = t["q_value"] <= config.fdr
    thresholds = t["driver"].map({key: config.threshold(key) for key in t["driver"].unique()})  # once per driver
    share = t["window_share"].astype(float).fillna(1.0) if "window_share" in t.columns else 1.0
    floor = np.maximum(config.min_revenue_impact,
                       config.min_impact_share * share * t["entity"].map(reference).fillna(0.0))
    impact = t["revenue_impact"].astype(float)
    t["material"] = (t["gap"] >= thresholds) & (impact.isna() | (impact >= floor))
    t["confidence"] = 1.0 - t["q_value"]
    return t


def _evaluate_level(prep, level: str, config: DiagnosisConfig, follow_up, selected, change_observations=None):
    frames = entity_frames(prep, level)
    frames["change_observations"] = change_observations
    frames["window_months"] = prep.window.months
    frames["window"] = prep.window
    ctx = Context(frames=frames, stages=prep.stages, config=config, follow_up=follow_up,
                  measured=prep.has_stage_history)
    reference = _reference_bookings(frames, ctx, config)
    frames["reference_bookings"] = reference
    decomposition = decompose(frames, prep.stages, config, prep.has_stage_history, funnel=ctx.funnel)
    untested = []

    def run(key):
        out = DRIVERS[key].evaluate(ctx)
        out = None if out is None or out.empty else out.reindex(columns=_TEST_COLUMNS).assign(driver=key)
        out = None if out is None else out[out["p_value"].notna()]
        if out is None or out.empty:
            untested.append((key, untested_reason(key, ctx), untested_reason(key, ctx, "zh")))
            return None
        return out

    results = []
    if len(frames["entities"]) < 2:  # a single team or region has no peers to compare with
        untested.extend((key, message("pkg.diagnose.untested.one_entity", "en", level=level),
                         message("pkg.diagnose.untested.one_entity", "zh",
                                 level=message(f"chart.entity_type.{level}", "zh")))
                        for key in selected)
        selected = []
    if "weak_product" in selected:
        weak = run("weak_product")
        if weak is not None:
            results.append(weak)
            # deals of products found weak for a rep are left out of that rep's funnel test
            pre = _decide(weak, config, reference)
            hit = pre[pre["significant"] & pre["material"]]
            ctx.excluded_products = hit.groupby("entity")["detail"].agg(set).to_dict()
    for key in selected:
        if key == "weak_product" or level not in DRIVERS[key].levels:
            continue
        out = run(key)
        if out is not None:
            results.append(out)
    if results:
        tests = pd.concat(results, ignore_index=True)
    else:
        tests = pd.DataFrame(columns=_TEST_COLUMNS + ["driver"])
    tests = _decide(tests, config, reference)
    tests["raised"] = tests["significant"] & tests["material"]
    # root causes: a finding explained by an upstream finding of the same entity is a knock-on
    # (slow follow-up loses deals at the first step only: later stages are not its knock-on)
    found = tests[tests["raised"]].groupby("entity")["driver"].agg(set).to_dict()
    first_step = funnel_steps(prep.stages, frames["closed"], prep.has_stage_history)[0][2]
    raised_rows = tests[tests["raised"] & (tests["driver"] == "low_activity")]
    prospecting = set(zip(raised_rows["entity"], raised_rows["detail"]))
    suppressed = [""] * len(tests)  # only a raised test can be suppressed
    raised_at = np.flatnonzero(tests["raised"].to_numpy(bool))
    raised_tests = tests.iloc[raised_at]
    for at, entity, driver, detail in zip(raised_at, raised_tests["entity"], raised_tests["driver"],
                                          raised_tests["detail"]):
        by = [u for u in DRIVERS[driver].upstream if u in found.get(entity, ())]
        if driver == "low_stage_conversion" and detail != first_step:
            by = [u for u in by if u != "slow_follow_up"]
        if driver == "low_activity" and detail == "all" and (entity, "prospecting") in prospecting:
            by.append("low_activity:prospecting")  # one finding: the narrower root cause
        suppressed[at] = ",".join(by) if (by and config.root_cause) else ""
    tests["suppressed_by"] = suppressed
    tests["finding"] = tests["raised"] & (tests["suppressed_by"] == "")
    tests.insert(0, "entity_type", level)
    not_tested = pd.DataFrame(
        [(level, key, DRIVERS[key].label_en, reason, DRIVERS[key].label_zh, reason_zh)
         for key, reason, reason_zh in untested], columns=NOT_TESTED_COLUMNS
    )
    return tests, decomposition, not_tested


def _findings(tests: pd.DataFrame, prep, lang: str) -> pd.DataFrame:
    f = tests[tests["finding"]].rename(columns={"entity": "entity_id"}).copy()
    reps = prep.reps.set_index("rep_id")
    team_of = {**{t: t for t in reps["team"]}, **reps["team"].to_dict()}
    region_of = {**reps["region"].to_dict(), **{r: r for r in reps["region"]}}
    region_of.update(reps.groupby("team")["region"].agg(lambda s: s.mode().iat[0]).to_dict())
    f["team"] = [team_of.get(e) if t in ("rep", "team") else None for e, t in zip(f["entity_id"], f["entity_type"])]
    f["region"] = [region_of.get(e) for e in f["entity_id"]]
    f["unit"] = f["driver"].map({k: r.unit for k, r in DRIVERS.items()})
    change = f["driver"] == "recent_change"
    f.loc[change, "unit"] = f.loc[change, "detail"].map({k: v[0] for k, v in CHANGE_METRICS.items()})
    # how much history each finding rests on: the months of facts, and the observations in the window
    facts = prep.history or prep.window
    f["history_months"] = f["history_months"].where(change, float(facts.months))
    f["n_window"] = f["n_window"].fillna(f["n"])
    f["half_life"] = prep.half_life if prep.history is not None else np.nan
    f["window_months"] = prep.window.months
    f["label"] = f["driver"].map({k: (r.label_zh if lang == "zh" else r.label_en) for k, r in DRIVERS.items()})
    records = f.to_dict("records")
    en = [sentence(r, "en") for r in records]
    zh = [sentence(r, "zh") for r in records]
    f["evidence"] = en
    f["evidence_zh"] = zh
    if lang == "zh":
        f["evidence"], f["evidence_zh"] = zh, zh
    f = f.sort_values("revenue_impact", ascending=False, na_position="last")
    return f.reindex(columns=FINDING_COLUMNS).reset_index(drop=True)


def period_figures(data, period: str) -> pd.DataFrame:
    """The labelled period's bookings, target and attainment per entity, from the KPI table.

    Parameters
    ----------
    data : SalesData, KPITables or SalesFacts
    period : str
        A month, quarter or year label (``2026-09``, ``2026-Q3``, ``2026``).

    Returns
    -------
    DataFrame
        :data:`PERIOD_FIGURE_COLUMNS`, one row per rep, team, region and the company.
    """
    p = parse_period(period)
    with warnings.catch_warnings():  # without a targets table the target is simply missing
        warnings.simplefilter("ignore", KPIUnavailableWarning)
        kpis = compute_kpis(data, by=["rep", "team", "region", "company"], freq=p.freq, start=p.label,
                            end=p.label, metrics=["bookings", "bookings_target", "quota_attainment"])
    if kpis.empty:
        return pd.DataFrame(columns=PERIOD_FIGURE_COLUMNS)
    wide = kpis.pivot(index=["entity_type", "entity_id", "period"], columns="metric", values="value").reset_index()
    wide.columns.name = None
    order = {level: i for i, level in enumerate(["rep", "team", "region", "company"])}
    wide = wide.sort_values(["entity_type", "entity_id"], key=lambda c: c.map(order) if c.name == "entity_type" else c,
                            kind="stable").reset_index(drop=True)
    return wide.reindex(columns=PERIOD_FIGURE_COLUMNS).astype(
        {"bookings": float, "bookings_target": float, "quota_attainment": float})


def _team_summary(prep, findings: pd.DataFrame, decomposition: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    reps = prep.reps
    teams = reps.groupby("team").agg(region=("region", lambda r: r.mode().iat[0]), reps=("rep_id", "size"))
    dec = decomposition[decomposition["entity_type"] == "team"].drop_duplicates("entity_id").set_index("entity_id")
    dec = dec.reindex(teams.index)
    fig = figures[figures["entity_type"] == "team"].set_index("entity_id").reindex(teams.index)
    rep_f = findings[findings["entity_type"] == "rep"].copy()
    rep_f["team"] = rep_f["entity_id"].map(reps.set_index("rep_id")["team"])
    by_driver = rep_f.groupby(["team", "driver"])["revenue_impact"].sum().reset_index()
    top = by_driver.sort_values("revenue_impact", ascending=False).drop_duplicates("team").set_index("team")
    own = findings[findings["entity_type"] == "team"].groupby("entity_id")["driver"].agg(
        lambda d: ", ".join(sorted(set(d)))
    )
    out = pd.DataFrame(
        {
            "team": teams.index,
            "region": teams["region"].to_numpy(),
            "reps": teams["reps"].to_numpy(),
            "bookings": fig["bookings"].to_numpy(float),
            "target": fig["bookings_target"].to_numpy(float),
            "attainment": fig["quota_attainment"].to_numpy(float),
            "window_bookings": dec["actual_bookings"].to_numpy(),
            "window_target": dec["target"].to_numpy(),
            "peer_bookings": dec["peer_bookings"].to_numpy(),
            "window_gap": dec["gap"].to_numpy(),
        }
    )
    out.insert(5, "gap", out["bookings"] - out["target"])
    out["reps_with_findings"] = out["team"].map(rep_f.groupby("team")["entity_id"].nunique()).fillna(0).astype(int)
    out["top_driver"] = out["team"].map(top["driver"]).fillna("")
    out["top_driver_impact"] = out["team"].map(top["revenue_impact"]).fillna(0.0)
    out["revenue_at_stake"] = out["team"].map(rep_f.groupby("team")["revenue_impact"].sum()).fillna(0.0)
    out["team_findings"] = out["team"].map(own).fillna("")
    return out.sort_values("revenue_at_stake", ascending=False).reset_index(drop=True)


def diagnose(
    data,
    period=None,
    window: int | None = None,
    rep: str | None = None,
    team: str | None = None,
    config: DiagnosisConfig | None = None,
    lang: str = "en",
) -> Diagnosis:
    """Diagnose why reps, teams and regions fall short: findings with revenue at stake.

    Parameters
    ----------
    data : SalesData, path, dict of DataFrames, KPITables or SalesFacts
        Contract tables (through :func:`workbench.io.load.as_sales_data`); ``reps`` and
        ``opportunities`` are required, every other table adds the drivers that need it
        (activities, surveys, orders, stage_history, market). Drivers that cannot be
        tested are listed in ``Diagnosis.not_tested`` with the reason. The tables of an
        engine (:func:`workbench.connect`) or the facts brought back from it
        (:func:`workbench.kpi.sales_facts`) give the same diagnosis without the raw
        activities leaving the engine.
    period : str, optional
        The period the diagnosis ends with (``"2026-Q1"``, ``"2026-03"``); default: the last
        full month in the data. A period starting after the data ends is an error.
    window : int, optional
        Months analysed, ending at the period's end. Default: all the history in the data
        up to then, at most 36 months (drivers are persistent causes and per-rep samples
        are small); pass 12 to judge only the last year. Every entity is still benchmarked against all comparable peers.
    rep, team : str, optional
        Keep only the findings of this rep (or of this team and its reps); see
        :func:`workbench.diagnose.selection.select`, which also filters a computed result.
    config : DiagnosisConfig, optional
        Thresholds, FDR level, levels and drivers to run.
    lang : {"en", "zh"}
        Language of the ``evidence`` column (``evidence_zh`` always holds Chinese).

    Returns
    -------
    Diagnosis

    Examples
    --------
    >>> from workbench.diagnose import diagnose
    >>> from workbench.sample import generate_sample
    >>> data = generate_sample(n_reps=20, months=14, seed=3)
    >>> result = diagnose(data, period="2026-10")
    >>> list(result.findings.columns[:5])
    ['entity_type', 'entity_id', 'driver', 'detail', 'value']
    >>> result.window.label
    '2025-09..2026-10'
    """
    config = config or DiagnosisConfig()
    check_lang("diagnose", lang)
    data = as_sales_input(data, caller="diagnose")
    # the same data and settings give the same diagnosis: kept between sessions (workbench.memo)
    return remember(_diagnose, data, period=period, window=window, rep=rep, team=team, config=config, lang=lang)


def _diagnose(data, *, period, window, rep, team, config, lang) -> Diagnosis:
    timings = {}
    t0 = time.perf_counter()
    tables = kpi_tables(data)
    prep = prepare(data, period, window, ramp_months=config.ramp_months, tables=tables,
                   history_months=config.history_months, half_life=config.half_life)
    figures = period_figures(tables, prep.window.period)
    timings["prepare"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    follow_up = fit_follow_up_effect(prep.closed, stage_control=config.follow_up_stage_control, level=config.level)
    if follow_up is not None:
        usable = prep.closed["follow_up_hours"].notna() & (prep.closed["amount"] > 0)
        eta = pd.Series(np.nan, index=prep.closed.index)
        eta[usable] = follow_up.linear_predictor(prep.closed[usable])
        prep = dataclasses.replace(prep, closed=prep.closed.assign(follow_up_eta=eta))
    timings["follow_up_regression"] = time.perf_counter() - t0

    selected = [k for k in DRIVERS if config.drivers is None or k in config.drivers]
    t0 = time.perf_counter()
    # every level's recent changes are read off the same rep-month observations
    observations = rep_observations(entity_frames(prep, "rep"), prep.window) if "recent_change" in selected else None
    timings["change_observations"] = time.perf_counter() - t0
    all_tests, all_dec, all_untested = [], [], []
    for level in config.by:
        t0 = time.perf_counter()
        tests, dec, untested = _evaluate_level(prep, level, config, follow_up, selected, observations)
        all_tests.append(tests)
        all_dec.append(dec)
        all_untested.append(untested)
        timings[f"drivers_{level}"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    tests = pd.concat(all_tests, ignore_index=True)
    decomposition = pd.concat(all_dec, ignore_index=True).reindex(columns=DECOMPOSITION_COLUMNS)
    findings = _findings(tests, prep, lang)
    team_summary = _team_summary(prep, findings, decomposition, figures)
    opportunities = find_opportunities(prep, data.market)
    competition = competition_analysis(prep)
    timings["assemble"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    stuck = stuck_deals(data, prep)
    timings["stuck_deals"] = time.perf_counter() - t0

    result = Diagnosis(
        findings=findings,
        team_summary=team_summary,
        decomposition=decomposition,
        follow_up_effect=follow_up,
        opportunities=opportunities,
        competition=competition,
        tests=tests,
        window=prep.window,
        period_figures=figures,
        not_tested=pd.concat(all_untested, ignore_index=True).reindex(columns=NOT_TESTED_COLUMNS),
        config=config,
        timings=timings,
        stuck_deals=stuck,
        history=prep.history,
    )
    return select(result, prep.reps, team=team, rep=rep)
