"""Every exception and warning type of the workbench, in one place.

A newcomer looking for what can go wrong finds it here; modules raise these types and
define none of their own (``tests/test_errors.py`` checks it).

>>> from workbench.errors import DataError, MappingError
>>> issubclass(MappingError, DataError) and issubclass(DataError, ValueError)
True
"""

from __future__ import annotations

__all__ = [
    "DataError", "MappingError", "NotFittedError", "KPIUnavailableWarning", "LeakageWarning", "UnknownKPIError",
    "PlanError", "EngineUnavailableError",
]


class DataError(ValueError):
    """A file-level problem with input data that stops loading.

    The message always names the file (or table), the column and what was expected,
    so the user can fix the source without reading a traceback.

    Parameters
    ----------
    message : str
        Human-readable explanation.
    file : str, optional
        The file or table the problem is in.
    column : str, optional
        The column concerned.
    row : int, optional
        The source row number, when one row is to blame.
    """

    def __init__(self, message: str, *, file=None, column=None, row=None):
        super().__init__(message)
        self.file = None if file is None else str(file)
        self.column = column
        self.row = row


class MappingError(DataError):
    """A mapping file is invalid, or does not fit the files it is applied to.

    Raised by :mod:`workbench.io.crm` (mapping files, presets, imports). The message names
    the mapping file and the TOML key path (``[tables.x.columns] 'amount'``) and says
    what was expected; a file with several problems reports them all at once.

    Parameters
    ----------
    message : str
        Human-readable explanation, starting with the mapping file's name.
    file : str, optional
        The mapping file (or ``preset NAME.toml``) the problem is in.
    key : str, optional
        The TOML key concerned, when one key is to blame.
    problems : sequence of str, optional
        Every problem found, one line each (the message shows them too).

    Examples
    --------
    >>> error = MappingError("acme.toml: 2 problems", file="acme.toml", problems=["a", "b"])
    >>> error.file, error.problems, isinstance(error, DataError)
    ('acme.toml', ('a', 'b'), True)
    """

    def __init__(self, message: str, *, file=None, key=None, problems=()):
        super().__init__(message, file=file)
        self.key = key
        self.problems = tuple(problems)


class NotFittedError(RuntimeError):
    """An estimator was used before ``fit`` was called."""


class KPIUnavailableWarning(UserWarning):
    """Some requested KPIs were skipped because a table they need is missing.

    Issued by :func:`workbench.kpi.compute_kpis` (and the scorecards built on it); the
    message names the KPIs and the missing table. The other KPIs are still computed.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("KPIs csat_mean skipped: table 'surveys' is missing from the data.", KPIUnavailableWarning)
    >>> caught[0].category.__name__
    'KPIUnavailableWarning'
    """


class LeakageWarning(UserWarning):
    """A feature of the win model (nearly) decides won versus lost on its own.

    Issued by :meth:`workbench.forecast.WinModel.fit` when a feature alone separates won
    from lost deals in the training snapshots (e.g. a CRM that sets the amount of every
    lost deal to 0). The message says which feature and whether it was left out; the same
    sentence is in the fitted model's ``notes_`` and ``report()["notes"]``.

    Examples
    --------
    >>> issubclass(LeakageWarning, UserWarning)
    True
    """


class UnknownKPIError(ValueError):
    """A metric key that is not in the KPI registry (:data:`workbench.kpi.KPIS`).

    Raised with the same message wherever a KPI key is accepted (``compute_kpis``,
    ``to_series``, ``kpi_label``, forecasts, the CLI): the unknown keys, the closest known
    key and where to see them all.
    """


class PlanError(ValueError):
    """A commission plan (``plan.toml``) is invalid.

    Raised by :mod:`workbench.incentives.plan` when a plan is loaded or built. The message
    starts with the plan's name or file and the key path concerned (``tiers[2].from``,
    ``cap.attainment``) and says what was expected; a plan with several problems reports
    them all at once.

    Parameters
    ----------
    message : str
        Human-readable explanation.
    key : str, optional
        The key path of the first problem, e.g. ``tiers[2].from``.
    problems : sequence of str, optional
        Every problem found, one line each, each starting with its key path.

    Examples
    --------
    >>> error = PlanError("plan.toml: tiers[1].from: gap", key="tiers[1].from", problems=["tiers[1].from: gap"])
    >>> error.key, isinstance(error, ValueError)
    ('tiers[1].from', True)
    """

    def __init__(self, message: str, *, key=None, problems=()):
        super().__init__(message)
        self.key = key
        self.problems = tuple(problems)


class EngineUnavailableError(ImportError):
    """The KPI engine asked for cannot start here: its package or runtime is missing
    (``workbench.connect(engine="spark")`` without the ``spark`` extra or Java).

    The message names what is missing and the command that installs it.
    """
