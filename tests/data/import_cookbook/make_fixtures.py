"""Write the export files of the import cookbook (docs/import.md), one folder per example.

Run from the repository root to refresh the committed copies:

    .venv/bin/python tests/data/import_cookbook/make_fixtures.py

The files are a pure function of the fixed seed, so running it twice gives the same bytes
(a test checks that the committed files are what this script writes). The shapes follow
real exports: a marketing funnel in two files like Olist's public data set (leads + closed
deals, hash ids for people), a deal export whose open deals have no amount next to a price
list, an export with an SDR and collaborators per deal, a stage-only pipeline export, and
a GBK-encoded export of a Chinese CRM with ￥ amounts and 2026年3月5日 dates.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SEED = 20261202
EXAMPLES = ("funnel", "price_list", "sdr_closer", "stage_only", "chinese_crm")


def _hex(text: str, n: int = 32) -> str:
    return hashlib.md5(text.encode()).hexdigest()[:n]


def _write(frame: pd.DataFrame, path: Path, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(frame.to_csv(index=False, lineterminator="\n").encode(encoding))


def funnel(folder: Path, leads: int = 300, rng=None) -> None:
    """Olist-like marketing funnel: qualified leads, and the leads that closed as deals."""
    rng = rng or np.random.default_rng(SEED)
    ids = [_hex(f"mql{i}") for i in range(leads)]
    first = pd.Timestamp("2025-06-01") + pd.to_timedelta(rng.integers(0, 365, leads), unit="D")
    origins = np.array(["organic_search", "paid_search", "social", "email", "referral", "direct_traffic", ""])
    frame = pd.DataFrame({
        "mql_id": ids,
        "first_contact_date": first.strftime("%Y-%m-%d"),
        "landing_page_id": [_hex(f"page{i % 17}") for i in range(leads)],
        "origin": origins[rng.integers(0, len(origins), leads)],
    })
    _write(frame, folder / "leads.csv")
    won = np.sort(rng.choice(leads, size=leads // 4, replace=False))
    sdrs = [_hex(f"sdr{i}") for i in range(4)]
    srs = [_hex(f"sr{i}") for i in range(5)]
    days = rng.integers(1, 170, len(won))
    won_at = first[won] + pd.to_timedelta(days, unit="D") + pd.to_timedelta(rng.integers(0, 86400, len(won)), unit="s")
    segments = np.array(["health_beauty", "car_accessories", "home_decor", "computers", "pet"])
    revenue = np.where(rng.random(len(won)) < 0.3, 0.0, rng.gamma(2.0, 40000.0, len(won)).round(2))
    closed = pd.DataFrame({
        "mql_id": [ids[i] for i in won],
        "seller_id": [_hex(f"seller{i}") for i in won],
        "sdr_id": [sdrs[k] for k in rng.integers(0, len(sdrs), len(won))],
        "sr_id": [srs[k] for k in rng.integers(0, len(srs), len(won))],
        "won_date": won_at.strftime("%Y-%m-%d %H:%M:%S"),
        "business_segment": segments[rng.integers(0, len(segments), len(won))],
        "lead_type": np.array(["online_big", "online_medium", "offline", "industry"])[rng.integers(0, 4, len(won))],
        "declared_monthly_revenue": revenue,
    })
    _write(closed, folder / "closed_deals.csv")


def price_list(folder: Path, deals: int = 120, rng=None) -> None:
    """A deal export whose open deals have no amount, and the products price list."""
    rng = rng or np.random.default_rng(SEED + 1)
    products = pd.DataFrame({
        "Product Name": ["GTX Basic", "GTX Pro", "MG Special", "MG Advanced", "GTK 500"],
        "Series": ["GTX", "GTX", "MG", "MG", "GTK"],
        "List Price": ["550", "4,821", "55", "3,393", "26,768"],
    })
    _write(products, folder / "products.csv")
    names = np.array(["GTX Basic", "GTX Pro", "MG Special", "MG Advanced", "GTK 500", "gtx basic "])
    product = names[rng.integers(0, len(names), deals)].astype(object)
    product[7] = "Legacy Widget"  # not in the price list: looked up in vain
    stages = np.array(["Prospecting", "Engaging", "Won", "Lost", ""])
    stage = stages[rng.integers(0, len(stages), deals)]
    created = pd.Timestamp("2026-01-05") + pd.to_timedelta(rng.integers(0, 200, deals), unit="D")
    close = created + pd.to_timedelta(rng.integers(5, 90, deals), unit="D")
    closed = np.isin(stage, ["Won", "Lost"])
    amount = np.where(closed, rng.integers(40, 30000, deals).astype(str), "")
    sources = np.array(["Web form", "Referral", "Partner", ""])
    frame = pd.DataFrame({
        "Deal ID": [f"D-{1000 + i}" for i in range(deals)],
        "Deal Name": [f"Account {i % 40} - {p.strip()}" for i, p in enumerate(product)],
        "Sales Agent": np.array(["Moses Frase", "Darcel Schlecht", "Zane Levy", "Anna Snelling"])[rng.integers(0, 4, deals)],
        "Product": product,
        "Deal Stage": stage,
        "Close Value": amount,
        "Engage Date": created.strftime("%Y-%m-%d"),
        "Close Date": np.where(closed, close.strftime("%Y-%m-%d"), ""),
        "Lead Source": sources[rng.integers(0, len(sources), deals)],
    })
    _write(frame, folder / "deals.csv")


def sdr_closer(folder: Path, deals: int = 90, rng=None) -> None:
    """An export naming the account executive (owner), the SDR and other collaborators."""
    rng = rng or np.random.default_rng(SEED + 2)
    aes = np.array(["Jane Doe", "Omar Haddad", "Li Wei"])
    sdrs = np.array(["Sam Ortiz", "Priya Nair", ""])
    helpers = np.array(["", "Ken Ito", "Ken Ito; Ada Byrne", "Ada Byrne"])
    stages = np.array(["Discovery", "Demo", "Proposal", "Closed Won", "Closed Lost"])
    stage = stages[rng.integers(0, len(stages), deals)]
    created = pd.Timestamp("2026-02-01") + pd.to_timedelta(rng.integers(0, 150, deals), unit="D")
    close = created + pd.to_timedelta(rng.integers(10, 80, deals), unit="D")
    frame = pd.DataFrame({
        "Opportunity ID": [f"006{i:06d}" for i in range(deals)],
        "Opportunity Name": [f"Deal {i}" for i in range(deals)],
        "Account Name": [f"Customer {i % 30}" for i in range(deals)],
        "Account Executive": aes[rng.integers(0, len(aes), deals)],
        "SDR": sdrs[rng.integers(0, len(sdrs), deals)],
        "Collaborators": helpers[rng.integers(0, len(helpers), deals)],
        "Stage": stage,
        "Amount": [f"{a:,.2f}" for a in rng.gamma(2.0, 9000.0, deals)],
        "Created Date": created.strftime("%m/%d/%Y"),
        "Close Date": close.strftime("%m/%d/%Y"),
    })
    _write(frame, folder / "opportunities.csv")


def stage_only(folder: Path, deals: int = 80, rng=None) -> None:
    """A pipeline export with a stage and no outcome column (closed stages spelt many ways)."""
    rng = rng or np.random.default_rng(SEED + 3)
    stages = np.array(["New", "Qualified", "Demo Scheduled", "Proposal Sent", "Closed - Won", "Closed - Lost (price)",
                       "Closed - Lost (no decision)", "Won (verbal)", "Disqualified", ""])
    stage = stages[rng.integers(0, len(stages), deals)]
    created = pd.Timestamp("2026-01-10") + pd.to_timedelta(rng.integers(0, 170, deals), unit="D")
    close = created + pd.to_timedelta(rng.integers(7, 60, deals), unit="D")
    frame = pd.DataFrame({
        "Deal": [f"Pipeline deal {i}" for i in range(deals)],
        "Company": [f"Org {i % 25}" for i in range(deals)],
        "Owner": np.array(["Ruth Klein", "Tomas Silva"])[rng.integers(0, 2, deals)],
        "Stage": stage,
        "Value": rng.integers(500, 20000, deals),
        "Created": created.strftime("%d.%m.%Y"),
        "Expected/Actual close": close.strftime("%d.%m.%Y"),
    })
    _write(frame, folder / "pipeline.csv")


def chinese_crm(folder: Path, deals: int = 60, rng=None) -> None:
    """A Chinese CRM's opportunity export: GBK, ￥ amounts, 2026年3月5日 dates, 协作人."""
    rng = rng or np.random.default_rng(SEED + 4)
    owners = np.array(["张伟", "王芳", "李娜"])
    helpers = np.array(["", "刘洋", "刘洋、陈静", "陈静"])
    stages = np.array(["初步接洽", "需求确认", "方案报价", "谈判审核", "赢单", "输单", ""])
    stage = stages[rng.integers(0, len(stages), deals)]
    created = pd.Timestamp("2026-01-04") + pd.to_timedelta(rng.integers(0, 160, deals), unit="D")
    close = created + pd.to_timedelta(rng.integers(5, 70, deals), unit="D")
    frame = pd.DataFrame({
        "商机编号": [f"SJ2026{i:04d}" for i in range(deals)],
        "商机名称": [f"项目{i}" for i in range(deals)],
        "客户名称": [f"客户{i % 20}有限公司" for i in range(deals)],
        "负责人": owners[rng.integers(0, len(owners), deals)],
        "协作人": helpers[rng.integers(0, len(helpers), deals)],
        "销售阶段": stage,
        "商机金额": [f"￥{a:,.2f}" for a in rng.gamma(2.0, 30000.0, deals)],
        "创建时间": [f"{d.year}年{d.month}月{d.day}日" for d in created],
        "结单日期": [f"{d.year}年{d.month}月{d.day}日" for d in close],
        "商机来源": np.array(["官网", "展会", "转介绍", ""])[rng.integers(0, 4, deals)],
    })
    _write(frame, folder / "商机.csv", encoding="gbk")


def write_all(root: Path = HERE) -> list[Path]:
    """Write every example's files under ``root/<example>/``; returns the files written."""
    for name in EXAMPLES:
        globals()[name](Path(root) / name)
    return sorted(p for p in Path(root).rglob("*.csv"))


if __name__ == "__main__":
    for path in write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
