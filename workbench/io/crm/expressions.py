"""Derived columns written as small, safe expressions (never ``eval``).

A mapping may compute a field from other fields of the same table::

    [tables.opportunities.derive]
    closed_at = "x_won_date"
    outcome = "won if x_won_date else lost if x_first_contact + 180 d < export_date else open"

The text is parsed with Python's :mod:`ast` and only the node types below are accepted;
anything else (attributes, subscripts, lambdas, comprehensions, imports, calls of
anything but the listed functions) is refused when the mapping is read, with the TOML
key in the message. The grammar, in words:

* **values**: field names of the table (contract columns, auxiliary fields such as
  ``owner`` or ``close_date``, your ``x_`` helper fields), ``export_date``, numbers,
  ``'quoted'`` or ``"quoted"`` text, durations ``180 d`` / ``180 days`` / ``12 h`` /
  ``2 w`` / ``2 weeks``, ``None`` (an empty cell), and bare words that are allowed values of the field being
  derived (``won``, ``lost``, ``open`` for ``outcome``);
* **arithmetic**: ``+ - * /`` and unary ``-``; a date ± a duration is a date, a date −
  a date is a number of days;
* **comparisons**: ``< <= > >= == !=`` (chains allowed); a comparison with an empty
  cell is false;
* **logic**: ``and``, ``or``, ``not``; a field used as a condition is true when its
  cell is not empty (and, for a number, not zero; for a comparison, when it holds);
* **choice**: ``A if CONDITION else B`` (nest for more branches, as above);
* **functions**: ``days(x)`` (a number of days as a duration), ``date('2026-01-31')``,
  ``coalesce(a, b, ...)`` (first non-empty), ``empty(x)``, ``present(x)``.

Everything is evaluated column-wise with pandas: one pass per node, not per row.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"x_won": pd.to_datetime(["2026-02-01", None, None]),
...                       "created_at": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-05-20"])})
>>> expr = parse_expression("won if x_won else lost if created_at + 90 d < export_date else open",
...                         names={"x_won", "created_at"}, words=("open", "won", "lost"))
>>> evaluate(expr, frame, export_date=pd.Timestamp("2026-06-30")).tolist()
['won', 'lost', 'open']
>>> parse_expression("__import__('os')", names=set())
Traceback (most recent call last):
...
workbench.errors.MappingError: "__import__('os')": function '__import__' is not allowed; functions: coalesce, date, days, empty, present
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.errors import MappingError
from workbench.io._fast import is_arrow_text, text_series

__all__ = ["Expression", "parse_expression", "evaluate", "latest_date", "FUNCTIONS"]

#: Functions an expression may call.
FUNCTIONS = ("coalesce", "date", "days", "empty", "present")
EXPORT_DATE = "export_date"
_UNITS = {"d": "D", "day": "D", "days": "D", "h": "h", "hour": "h", "hours": "h", "w": "W", "week": "W", "weeks": "W"}
_TOKENS = re.compile(r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(?<![\w.])(\d+(?:\.\d+)?)\s*(days?|d|hours?|h|weeks?|w)\b""")
_ALLOWED = (ast.Expression, ast.IfExp, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
            ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Compare, ast.Lt, ast.LtE, ast.Gt, ast.GtE,
            ast.Eq, ast.NotEq, ast.Name, ast.Load, ast.Constant, ast.Call)
_NODE_WORDS = {ast.Attribute: "attribute access (a.b)", ast.Subscript: "indexing (a[b])", ast.Lambda: "lambda",
               ast.In: "'in'", ast.NotIn: "'not in'", ast.Is: "'is'", ast.IsNot: "'is not'", ast.Mod: "'%'",
               ast.Pow: "'**'", ast.FloorDiv: "'//'", ast.List: "lists", ast.Tuple: "tuples", ast.Dict: "dicts"}


@dataclass(frozen=True)
class Expression:
    """A parsed, checked expression: its text, its tree and the fields it reads."""

    text: str
    tree: ast.Expression
    names: tuple
    words: tuple = ()

    @property
    def uses_export_date(self) -> bool:
        """Whether the expression reads ``export_date``."""
        return EXPORT_DATE in self.names


def _rewrite_durations(text: str) -> str:
    def repl(match):
        if match.group(1):
            return match.group(1)
        return f"__duration__({match.group(2)}, {_UNITS[match.group(3).lower()]!r})"

    return _TOKENS.sub(repl, text)


def parse_expression(text: str, *, names, words=()) -> Expression:
    """Parse and check ``text`` against the grammar in the module docstring.

    Parameters
    ----------
    text : str
        The expression.
    names : set of str
        Field names it may read (``export_date`` is always allowed).
    words : sequence of str
        Bare words read as text (the allowed values of the derived field).

    Raises
    ------
    MappingError
        Naming the expression and the first construct that is not allowed.
    """
    if not isinstance(text, str) or not text.strip():
        raise MappingError(f"{text!r}: an expression must be non-empty text")
    try:
        tree = ast.parse(_rewrite_durations(text.strip()), mode="eval")
    except SyntaxError as exc:
        raise MappingError(f"{text!r}: not a valid expression ({exc.msg}); write e.g. "
                           "\"won if x_won_date else lost if created_at + 180 d < export_date else open\"") from None
    used = []
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            what = _NODE_WORDS.get(type(node), type(node).__name__)
            raise MappingError(f"{text!r}: {what} is not allowed in an expression (see the grammar in docs/import.md)")
        if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or not (
                node.value is None or isinstance(node.value, (int, float, str)))):
            raise MappingError(f"{text!r}: only numbers, quoted text and None are allowed as literals; got {node.value!r}")
        if isinstance(node, ast.Call):
            func = node.func.id if isinstance(node.func, ast.Name) else None
            if func == "__duration__":
                continue
            if func not in FUNCTIONS or node.keywords:
                shown = func or ast.unparse(node.func)
                raise MappingError(f"{text!r}: function {shown!r} is not allowed; functions: {', '.join(FUNCTIONS)}")
            if func in ("days", "date", "empty", "present") and len(node.args) != 1:
                raise MappingError(f"{text!r}: {func}() takes exactly one argument")
            if func == "date" and not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                raise MappingError(f"{text!r}: date() takes a quoted date like date('2026-01-31')")
            if func == "date":
                try:
                    pd.Timestamp(node.args[0].value)
                except (ValueError, TypeError):
                    raise MappingError(f"{text!r}: date({node.args[0].value!r}) is not a date (write 'YYYY-MM-DD')") from None
        if isinstance(node, ast.Name) and not _is_func(tree, node):
            if node.id in names or node.id == EXPORT_DATE:
                used.append(node.id)
            elif node.id not in words:
                from workbench.io.crm.mapping import did_you_mean

                known = sorted(set(names) | {EXPORT_DATE})
                raise MappingError(
                    f"{text!r}: unknown name {node.id!r}{did_you_mean(node.id, known)}; names: {', '.join(known)}"
                    + (f"; words: {', '.join(words)}" if words else "")
                    + (" (declare helper fields in [tables.<table>.columns], e.g. x_won_date = {headers = \"Won\", "
                       "type = \"date\"})" if node.id.startswith("x_") else " (quote text: 'Closed Won')"))
    return Expression(text, tree, tuple(dict.fromkeys(used)), tuple(words))


def _is_func(tree, name_node) -> bool:
    return any(isinstance(n, ast.Call) and n.func is name_node for n in ast.walk(tree))


def latest_date(frame: pd.DataFrame):
    """The latest date in any date/datetime column of ``frame`` (``NaT`` if none):
    the default ``export_date``.

    >>> latest_date(pd.DataFrame({"a": pd.to_datetime(["2026-01-02", None]), "b": ["x", "y"]}))
    Timestamp('2026-01-02 00:00:00')
    """
    dates = [frame[c].max() for c in frame.columns if frame[c].dtype.kind == "M"]
    dates = [d for d in dates if pd.notna(d)]
    return max(dates) if dates else pd.NaT


def evaluate(expr: Expression, frame: pd.DataFrame, *, export_date=None) -> pd.Series:
    """Evaluate ``expr`` on every row of ``frame``; returns a Series on ``frame.index``.

    Raises
    ------
    MappingError
        When the expression mixes types that do not go together (e.g. a date plus a
        plain number), naming the expression.
    """
    index = frame.index
    if expr.uses_export_date and (export_date is None or pd.isna(export_date)):
        raise MappingError(f"{expr.text!r} uses export_date, but there is none: set export_date = 2026-06-30 "
                           "in the mapping (or pass export_date=...), or map a date column")

    def as_series(v):
        if isinstance(v, pd.Series):
            return v
        if v is None:
            return pd.Series(None, index=index, dtype="object")
        if isinstance(v, str):
            return pd.Series(v, index=index, dtype="object")
        return pd.Series(v, index=index)

    def truth(v) -> pd.Series:
        s = as_series(v)
        if s.dtype == bool:
            return s
        if s.dtype == "boolean":
            return s.fillna(False).astype(bool)
        present = s.notna()
        if s.dtype.kind in "if":
            return present & s.ne(0)
        if s.dtype.kind in "OUT" or str(s.dtype).startswith(("str", "string")):
            return (present & s.ne("")).fillna(False).astype(bool)
        return present

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id == EXPORT_DATE:
                return pd.Timestamp(export_date)
            if node.id in frame.columns:
                return frame[node.id]
            if node.id in expr.words:
                return node.id
            return None  # a mapped field no file provided: empty
        if isinstance(node, ast.Call):
            func = node.func.id
            args = [ev(a) for a in node.args]
            if func == "__duration__":
                return pd.Timedelta(args[0], unit=args[1])
            if func == "days":
                return pd.to_timedelta(pd.to_numeric(as_series(args[0]), errors="coerce"), unit="D")
            if func == "date":
                return pd.Timestamp(args[0])
            if func in ("empty", "present"):
                s = as_series(args[0])
                filled = s.notna() if s.dtype.kind in "ifmM" else truth(s)
                return ~filled if func == "empty" else filled
            if func == "coalesce":
                out = args[0]
                for a in args[1:]:
                    out = _choose(as_series(out).notna(), out, a, as_series)
                return out
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            if isinstance(node.op, ast.Not):
                return ~truth(v)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BoolOp):
            parts = [truth(ev(v)) for v in node.values]
            out = parts[0]
            for p in parts[1:]:
                out = (out & p) if isinstance(node.op, ast.And) else (out | p)
            return out
        if isinstance(node, ast.BinOp):
            left, right = ev(node.left), ev(node.right)
            op = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}[type(node.op)]
            try:
                if op == "+":
                    out = left + right
                elif op == "-":
                    out = left - right
                elif op == "*":
                    out = left * right
                else:
                    out = left / right
            except (TypeError, ValueError) as exc:
                raise MappingError(f"{expr.text!r}: cannot compute {ast.unparse(node)} ({exc}); a date takes "
                                   "a duration like '180 d' or days(n), and numbers need number fields") from None
            if isinstance(out, pd.Series) and out.dtype.kind == "m" and _is_dates(left) and _is_dates(right):
                return out.dt.total_seconds() / 86400.0  # date - date = days
            return out
        if isinstance(node, ast.Compare):
            out = None
            left = ev(node.left)
            for op, comp in zip(node.ops, node.comparators):
                right = ev(comp)
                a, b = as_series(left), right if not isinstance(right, pd.Series) else right
                try:
                    res = {ast.Lt: a.lt, ast.LtE: a.le, ast.Gt: a.gt, ast.GtE: a.ge, ast.Eq: a.eq, ast.NotEq: a.ne}[type(op)](b)
                except TypeError as exc:
                    raise MappingError(f"{expr.text!r}: cannot compare {ast.unparse(node)} ({exc})") from None
                valid = a.notna() & (right.notna() if isinstance(right, pd.Series) else not pd.isna(right))
                res = res.fillna(False).astype(bool) & valid
                out = res if out is None else out & res
                left = right
            return out
        if isinstance(node, ast.IfExp):
            return _choose(truth(ev(node.test)), ev(node.body), ev(node.orelse), as_series)
        raise MappingError(f"{expr.text!r}: cannot evaluate {ast.unparse(node)}")  # unreachable after parsing

    return as_series(ev(expr.tree)).rename(None)


def _is_dates(v) -> bool:
    return (isinstance(v, pd.Series) and v.dtype.kind == "M") or isinstance(v, pd.Timestamp)


def _kind(v) -> str:
    """``date``, ``number``, ``text`` or ``none`` (an empty literal or a column with no value)."""
    if v is None:
        return "none"
    if _is_dates(v) or isinstance(v, np.datetime64):
        return "date"
    if isinstance(v, pd.Series):
        if v.dtype.kind in "ifu":
            return "number"
        if v.dtype.kind == "m":
            return "duration"
        return "text" if v.notna().any() else "none"
    if isinstance(v, (int, float, np.number)):
        return "number"
    if isinstance(v, pd.Timedelta):
        return "duration"
    return "text"


def _text_side(v):
    """``v`` as an Arrow text array or scalar when it is text (a ``str`` column, quoted text,
    a bare word) or empty (``None``); else ``None``."""
    if v is None or isinstance(v, str):
        return pa.scalar(v, pa.large_string())
    if is_arrow_text(v):
        return pa.array(v, from_pandas=True).cast(pa.large_string())
    return None


def _choose(cond: pd.Series, yes, no, as_series) -> pd.Series:
    """``yes`` where ``cond``, else ``no``, keeping dates as dates and numbers as numbers."""
    text_yes, text_no = _text_side(yes), _text_side(no)
    if text_yes is not None and text_no is not None:  # text (or empty) on both sides: Arrow text
        mask = pa.array(cond.to_numpy(dtype=bool, na_value=False))
        return text_series(pc.if_else(mask, text_yes, text_no), cond.index)
    kinds = {_kind(yes), _kind(no)} - {"none"}
    if kinds <= {"date", "number"} and (yes is None) != (no is None):  # a value or nothing (None)
        convert = pd.to_datetime if kinds == {"date"} else pd.to_numeric
        return convert(as_series(yes)).where(cond) if no is None else convert(as_series(no)).where(~cond)
    yes, no = as_series(yes), as_series(no)
    if kinds == {"date"}:
        return pd.to_datetime(yes).where(cond, pd.to_datetime(no))
    if kinds == {"number"}:
        return pd.to_numeric(yes).where(cond, pd.to_numeric(no))
    if kinds == {"duration"}:
        return pd.to_timedelta(yes).where(cond, pd.to_timedelta(no))
    out = yes.astype("object").where(cond, no.astype("object"))
    return out.where(out.notna(), None)
