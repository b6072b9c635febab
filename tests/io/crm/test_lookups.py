"""Lookup tables: an open deal without an amount takes its product's list price."""

import pandas as pd
import pytest

from tests.io.crm.cookbook import FIXTURES, MAPPINGS, assert_accounted
from workbench.errors import DataError, MappingError
from workbench.io.crm import import_files
from workbench.io.crm.mapping import normalize_value, parse_mapping

PRICES = FIXTURES / "price_list"


def _import(folder=PRICES, text=None):
    mapping = MAPPINGS / "price_list.toml" if text is None else parse_mapping(text, source="price_list.toml")
    result = import_files([folder], mapping=mapping)
    assert_accounted(result.data)
    return result


def test_amounts_missing_from_the_export_are_the_list_price_of_the_product():
    deals = pd.read_csv(PRICES / "deals.csv", dtype=str, keep_default_na=False)
    prices = pd.read_csv(PRICES / "products.csv", dtype=str)
    price = {normalize_value(k): float(v.replace(",", "")) for k, v in zip(prices["Product Name"], prices["List Price"])}
    known = deals["Product"].map(normalize_value).isin(price)
    expected = deals["Close Value"].where(deals["Close Value"] != "", None).astype(float)
    expected = expected.fillna(deals["Product"].map(normalize_value).map(price))
    result = _import()
    opps = result.data.opportunities.set_index("opportunity_id")
    assert len(opps) == int(known.sum()) == len(deals) - 1
    got = opps.loc[deals.loc[known, "Deal ID"], "amount"].to_numpy()
    assert (got == expected[known].to_numpy()).all()
    assert "amount           ← Close Value, else List Price of products.csv by product" in result.report


def test_a_product_missing_from_the_price_list_quarantines_the_deal_with_the_reason():
    data = _import().data
    q = data.quarantine
    assert q[["table", "row", "column", "value", "check"]].values.tolist() == [
        ["opportunities", 9, "product", "Legacy Widget", "lookup_missing"]]
    assert q["reason"].iloc[0] == ("product 'Legacy Widget' is not in products.csv (column 'Product Name'), "
                                   "where amount is looked up")


def test_a_default_takes_the_place_of_a_missing_key_and_a_nullable_field_is_left_empty():
    text = (MAPPINGS / "price_list.toml").read_text(encoding="utf-8")
    with_default = text.replace('value = "List Price"}', 'value = "List Price", default = 0}')
    data = _import(text=with_default).data
    assert len(data.quarantine) == 0 and data.opportunities.set_index("opportunity_id").at["D-1007", "amount"] == 0
    series = text.replace('source = "Lead Source"', 'source = "Lead Source"\n'
                          'x_series = {lookup = "products", key = "product", value = "Series"}')
    result = _import(text=series)
    assert any(w.startswith("opportunities.x_series: 1 row(s) have a product that is not in products.csv")
               for w in result.warnings)


def test_a_key_with_two_prices_is_an_error_naming_the_rows(tmp_path):
    for f in ("deals.csv",):
        (tmp_path / f).write_bytes((PRICES / f).read_bytes())
    prices = pd.read_csv(PRICES / "products.csv", dtype=str)
    prices = pd.concat([prices, prices.iloc[[1]].assign(**{"List Price": "4,999"})], ignore_index=True)
    prices.to_csv(tmp_path / "products.csv", index=False)
    with pytest.raises(DataError) as err:
        _import(tmp_path)
    assert "products.csv: key 'GTX Pro' (column 'Product Name') has different 'List Price' values on 2 rows" in str(err.value)
    assert "row 3: '4,821'" in str(err.value) and "row 7: '4,999'" in str(err.value)


def test_lookup_mistakes_are_reported_when_the_mapping_is_read():
    with pytest.raises(MappingError) as err:
        parse_mapping('[sources.products]\nfiles = "p*"\n[tables.opportunities.columns]\nproduct = "P"\n'
                      'amount = {lookup = "product", key = "prodcut", value = "Price"}')
    text = str(err.value)
    assert "'lookup' 'product' is not a [sources.<name>] section (did you mean 'products'?)" in text
    assert "'key' 'prodcut' must be another field of opportunities (did you mean 'product'?)" in text
