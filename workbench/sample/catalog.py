"""The fixed world of the sample company: stages, regions, products, sources, skills.

Everything here is a constant the simulation reads; nothing is random. Keeping the
parameters in one place makes the generator's assumptions easy to review.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "STAGES",
    "WON_STAGE",
    "LOST_STAGE",
    "TRANSITIONS",
    "EARLY_TRANSITIONS",
    "LATE_TRANSITIONS",
    "DRIVERS",
    "REGIONS",
    "Product",
    "PRODUCTS",
    "INBOUND_SOURCES",
    "OUTBOUND_SOURCE",
    "SOURCE_LOGIT",
    "SKILLS",
    "DRIVER_SKILL",
    "TRAINING_MODULES",
    "MODULE_POINTS",
    "TRAINING_POINT",
    "SKILL_KPI",
    "COMPETITORS",
    "SOURCE_AMOUNT",
    "EARLY_LOST_REASONS",
    "LATE_LOST_REASONS",
    "LEAD_SEASON",
    "ACTIVITY_SEASON",
    "REGION_PRODUCT_MIX",
    "REGION_PRICE",
    "SEGMENT_WIN_LOGIT",
    "COMPETITIVE_PRESSURE",
    "MARKET_GROWTH",
    "MARKET_GROWTH_OVERRIDE",
]

#: Open pipeline stages in funnel order.
STAGES = ("Prospecting", "Qualification", "Proposal", "Negotiation")
#: Terminal stages of won and lost deals.
WON_STAGE = "Closed Won"
LOST_STAGE = "Closed Lost"
#: Stage transitions a deal must pass to be won, written ``"<from>→<to>"``.
TRANSITIONS = tuple(f"{a}→{b}" for a, b in zip(STAGES, STAGES[1:] + (WON_STAGE,)))
#: The transitions a planted *early-stage* conversion problem can hit.
EARLY_TRANSITIONS = TRANSITIONS[:2]
#: The transitions a planted *late-stage* conversion problem can hit.
LATE_TRANSITIONS = TRANSITIONS[2:]

#: Underperformance driver keys (the diagnosis engine uses the same keys).
DRIVERS = (
    "slow_follow_up",
    "low_stage_conversion",
    "low_activity",
    "small_deals",
    "long_cycle",
    "low_csat",
    "weak_product",
)

#: Sales regions; teams are spread over them round-robin.
REGIONS = ("North", "South", "East", "West")


@dataclass(frozen=True)
class Product:
    """One product line and how it behaves in the sales process."""

    name: str
    #: Median deal amount at the start of the window (currency).
    median_amount: float
    #: Share of new leads that are for this product.
    lead_share: float
    #: Multiplier on stage durations (bigger, more technical products take longer).
    cycle_factor: float
    #: Added to the conversion logit of every stage transition.
    conversion_logit: float
    #: Added to the CSAT score of its customers.
    csat_effect: float
    #: Probability that an order of this product is cancelled.
    cancel_rate: float


PRODUCTS = (
    Product("Analytics Suite", 24_000.0, 0.30, 1.00, 0.00, 0.00, 0.04),
    Product("Cloud Platform", 55_000.0, 0.24, 1.30, -0.25, -0.10, 0.06),
    Product("Data Connectors", 8_000.0, 0.20, 0.70, 0.30, 0.05, 0.03),
    Product("Security Add-on", 14_000.0, 0.16, 0.85, 0.10, 0.05, 0.04),
    Product("Support Plus", 5_000.0, 0.10, 0.60, 0.20, 0.10, 0.05),
)

#: Lead sources routed to reps (inbound) and their shares among inbound leads.
INBOUND_SOURCES = {"Inbound": 0.50, "Referral": 0.18, "Partner": 0.22, "Event": 0.10}
#: Source of deals the rep found through prospecting.
OUTBOUND_SOURCE = "Outbound"
#: How the lead source shifts the conversion logit of the first two transitions.
SOURCE_LOGIT = {"Inbound": 0.0, "Referral": 0.45, "Partner": 0.20, "Event": -0.10, "Outbound": -0.25}
#: How the lead source scales the deal amount.
SOURCE_AMOUNT = {"Inbound": 1.0, "Referral": 1.05, "Partner": 1.15, "Event": 0.95, "Outbound": 0.95}

#: Skills assessed twice a year (score 0-100).
SKILLS = (
    "prospecting",
    "discovery",
    "follow_up",
    "negotiation",
    "closing",
    "product_knowledge",
    "customer_care",
)

#: The skill that a planted driver (or a transition) shows up in.
DRIVER_SKILL = {
    "slow_follow_up": "follow_up",
    "low_activity": "prospecting",
    "small_deals": "negotiation",
    "long_cycle": "closing",
    "low_csat": "customer_care",
    "weak_product": "product_knowledge",
    TRANSITIONS[0]: "discovery",
    TRANSITIONS[1]: "discovery",
    TRANSITIONS[2]: "negotiation",
    TRANSITIONS[3]: "closing",
}

#: Training modules: (module_id, title, skill, hours, format).
TRAINING_MODULES = (
    ("TM01", "Pipeline Generation Bootcamp", "prospecting", 8.0, "workshop"),
    ("TM02", "Social Selling Basics", "prospecting", 2.5, "e-learning"),
    ("TM03", "Discovery Questions that Qualify", "discovery", 4.0, "workshop"),
    ("TM04", "Needs Analysis with MEDDIC", "discovery", 3.0, "e-learning"),
    ("TM05", "Speed-to-Lead Habits", "follow_up", 1.5, "e-learning"),
    ("TM06", "Cadence Planning with the Manager", "follow_up", 2.0, "coaching"),
    ("TM07", "Value-Based Negotiation", "negotiation", 12.0, "workshop"),
    ("TM08", "Defending Price Without Discounting", "negotiation", 3.0, "e-learning"),
    ("TM09", "Closing Plans and Mutual Action Plans", "closing", 4.0, "workshop"),
    ("TM10", "Deal Review Coaching", "closing", 3.0, "coaching"),
    ("TM11", "Product Certification: Core", "product_knowledge", 16.0, "e-learning"),
    ("TM12", "Product Deep Dive with Solution Engineers", "product_knowledge", 6.0, "workshop"),
    ("TM13", "Customer Onboarding Excellence", "customer_care", 3.0, "e-learning"),
    ("TM14", "Handling Escalations", "customer_care", 4.0, "workshop"),
    ("TM15", "Ride-Along Coaching", "discovery", 6.0, "coaching"),
)

#: What each module does: the skill points a completion adds on average (each completion
#: draws 0.7-1.3x this). Five modules do nothing at all; every skill keeps at least one
#: module that works. ``training_effects`` turns these into the expected change of the
#: skill's KPI (see :mod:`workbench.sample.training`).
MODULE_POINTS = {
    "TM01": 7.0,
    "TM02": 0.0,
    "TM03": 8.0,
    "TM04": 0.0,
    "TM05": 6.0,
    "TM06": 9.0,
    "TM07": 8.0,
    "TM08": 0.0,
    "TM09": 6.0,
    "TM10": 8.0,
    "TM11": 0.0,
    "TM12": 7.0,
    "TM13": 0.0,
    "TM14": 8.0,
    "TM15": 5.0,
}

#: Behaviour change per skill point gained in training (0.01 = 1 % a point). Every
#: training effect of the simulation is a multiple of it: prospecting rate +1x, follow-up
#: delay -1x, deal amount +0.5x, stage durations -0.5x (closing), conversion logit +3x on
#: the skill's transitions (discovery: the first two, negotiation: the third, closing: the
#: last; ~1 % on a conversion near 0.7) and +1.5x on every transition (product knowledge),
#: CSAT +1.5x points (customer care). Doubling it makes training effects easier to
#: measure but heals planted stage-conversion drivers enough that the diagnosis misses
#: some on the committed sample.
TRAINING_POINT = 0.01

#: The KPI that shows each skill at work (as in workbench/coaching/skill_map.toml; a test
#: checks that they agree): where the training ground truth is measured.
SKILL_KPI = {
    "prospecting": "activities_per_workday",
    "discovery": "win_rate",
    "follow_up": "follow_up_hours_median",
    "negotiation": "avg_deal_size",
    "closing": "cycle_days_median",
    "product_knowledge": "win_rate",
    "customer_care": "csat_mean",
}

#: Competitors met in late-stage losses.
COMPETITORS = ("Contoso", "Globex", "Initech", "Northwind", "Vandelay")

#: Lost reasons of deals that die before a proposal, and their weights.
EARLY_LOST_REASONS = {"Unresponsive": 0.35, "Not a fit": 0.25, "No budget": 0.25, "No decision": 0.15}
#: Lost reasons of deals that die at Proposal or Negotiation (competitor losses separate).
LATE_LOST_REASONS = {"Price": 0.40, "No decision": 0.25, "Timing": 0.20, "No budget": 0.15}

#: Relative lead volume by calendar month (Jan..Dec): budgets open in Q1, slow summer,
#: strong autumn, quiet December.
LEAD_SEASON = (0.95, 1.05, 1.12, 1.05, 1.00, 0.95, 0.82, 0.78, 1.05, 1.15, 1.10, 0.78)
#: Relative activity volume by calendar month (holidays in August and December).
ACTIVITY_SEASON = (1.00, 1.03, 1.05, 1.00, 1.00, 0.97, 0.90, 0.82, 1.03, 1.05, 1.02, 0.85)

FIRST_NAMES = (
    "Alice", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Kira", "Liam", "Mei", "Noah", "Olivia", "Pablo", "Quinn", "Rosa", "Sam", "Tara",
    "Umar", "Vera", "Wei", "Xenia", "Yusuf", "Zoe", "Aiko", "Bruno", "Chloe", "Dmitri",
    "Emma", "Felix", "Hana", "Ivan", "Julia", "Kenji", "Lena", "Marco", "Nina", "Oscar",
)
LAST_NAMES = (
    "Anderson", "Baker", "Chen", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito",
    "Jensen", "Kowalski", "Lopez", "Martin", "Nakamura", "Olsen", "Patel", "Quist", "Rossi",
    "Schmidt", "Tanaka", "Ulrich", "Varga", "Wang", "Xu", "Yilmaz", "Zhang", "Berg", "Costa",
    "Diaz", "Eriksen", "Fontaine", "Gupta", "Horvat", "Ivanova", "Kim", "Larsen", "Moreau",
    "Novak", "Okafor", "Park",
)

#: Relative lead mix of each product in each region (multiplies ``Product.lead_share``).
#: West sells few Security Add-ons (a low-volume, high-win-rate niche).
REGION_PRODUCT_MIX = {
    "North": (1.10, 1.00, 0.90, 1.00, 1.00),
    "South": (1.00, 0.90, 1.10, 1.10, 0.90),
    "East": (0.95, 1.15, 1.00, 0.90, 1.00),
    "West": (1.05, 1.00, 1.05, 0.45, 1.10),
}
#: Regional price level (multiplies deal amounts).
REGION_PRICE = {"North": 1.04, "South": 0.96, "East": 1.00, "West": 1.00}
#: Segments (region, product) where we win unusually often: added to the late-stage logit.
SEGMENT_WIN_LOGIT = {("West", "Security Add-on"): 0.50}
#: Segments where a competitor gains ground: (competitor, start, full-strength date,
#: late-stage logit at full strength, extra share of late losses that go to it).
COMPETITIVE_PRESSURE = {
    ("East", "Cloud Platform"): ("Vandelay", "2025-01-01", "2026-01-01", -0.30, 0.25),
}
#: Yearly market growth per product, and segments growing much faster than our bookings
#: (our share there falls).
MARKET_GROWTH = {
    "Analytics Suite": 0.07,
    "Cloud Platform": 0.10,
    "Data Connectors": 0.06,
    "Security Add-on": 0.09,
    "Support Plus": 0.05,
}
MARKET_GROWTH_OVERRIDE = {("East", "Cloud Platform"): 0.28, ("South", "Analytics Suite"): 0.32}
