"""Property-based: period labels round-trip, and junk is refused with the package's message."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import result_or_clear_error
from workbench.periods import parse_period, period_label

SETTINGS = settings(max_examples=800, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.integers(1990, 2100), st.integers(1, 12), st.sampled_from(["M", "Q"]))
def test_labels_round_trip(year, month, freq):
    label = f"{year:04d}-{month:02d}" if freq == "M" else f"{year:04d}-Q{(month - 1) // 3 + 1}"
    p = parse_period(label)
    assert period_label(p.start, p.freq) == label and p.start < p.end


@SETTINGS
@given(st.text(max_size=20))
def test_any_text_is_a_period_or_a_clear_error(text):
    p = result_or_clear_error(lambda: parse_period(text))
    if p is None:
        return
    assert p.start < p.end
