"""A panel with period, team, rep and language pickers: the base of the team diagnosis and
coaching panels.

The subclass gives the prefix of its words in :mod:`workbench.messages` (``MESSAGE_PREFIX``:
``<prefix>.no_rep``, ``<prefix>.computing`` and the rest; a word the app does not have of
its own, like ``period`` or ``all_teams``, is the shared ``app.<word>``), its tab titles
(``TAB_KEYS``), and three methods: ``_is_computed(period)``, ``_compute(period)`` (the expensive, cached work
of a period) and ``_redraw()``. The base keeps the pickers and the traitlets linked,
relabels them when the language changes, narrows the rep list to the team, and shows a
"computing" line and readable errors. ``_start_on(data, lang, period)`` reads the reps and
the periods and fills the pickers (call last in ``__init__``).
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
import traitlets

from workbench.apps.common import LANGS, ErrorBox
from workbench.diagnose import diagnosis_periods
from workbench.formatting import natural_key
from workbench.markup import escape_html
from workbench.messages import MESSAGES, message

__all__ = ["SelectionPanel", "LANGS"]



class SelectionPanel(widgets.VBox):
    """Period, team, rep and language pickers linked to traitlets (a base class).

    Attributes
    ----------
    period, team, rep, lang : traitlets
        Linked to the pickers; ``team == ""`` means all teams, ``rep == ""`` no rep.
    """

    period = traitlets.Unicode(None, allow_none=True)
    team = traitlets.Unicode("")
    rep = traitlets.Unicode("")
    lang = traitlets.Unicode("en")

    #: Prefix of the subclass's words in :data:`workbench.messages.MESSAGES` (``diagnosis``, ``coaching``).
    MESSAGE_PREFIX: str = "app"
    #: Words (see :meth:`_t`) of the tab titles, in tab order.
    TAB_KEYS: tuple = ()

    def _build_pickers(self) -> widgets.HBox:
        """The pickers, the error box and the status line (call first in ``__init__``)."""
        self._quiet = False
        self._labels_lang = None
        self.error = ErrorBox()
        self.status = widgets.HTML()
        self.period_picker = widgets.Dropdown(options=[], description=message("app.period"))
        self.team_picker = widgets.Dropdown(options=[(message("app.all_teams"), "")], value="",
                                            description=message("app.team"))
        self.rep_picker = widgets.Dropdown(options=[("—", "")], value="", description=message("app.rep"))
        self.lang_picker = widgets.Dropdown(options=LANGS, value="en", description=message("app.language"))
        return widgets.HBox([self.period_picker, self.team_picker, self.rep_picker, self.lang_picker])

    def _start_on(self, data, lang: str, period: str | None) -> list[str]:
        """Read the reps and the diagnosable periods of ``data``, then :meth:`_start`; return the periods.

        A failure to read them is shown in the error box (not raised) and leaves the pickers empty.
        """
        try:
            reps = data["reps"] if isinstance(data, dict) else data.reps
            reps = reps[["rep_id", "team"]].astype(str).sort_values(["team", "rep_id"]).reset_index(drop=True)
            periods = diagnosis_periods(data)
        except Exception as exc:  # shown to the viewer instead of a hidden traceback
            reps = pd.DataFrame({"rep_id": [], "team": []})
            self.error.show(exc)
            periods = []
        self._start(reps, periods, lang, period)
        return periods

    def _start(self, reps: pd.DataFrame, periods: list[str], lang: str, period: str | None) -> None:
        """Fill and link the pickers, then show ``period`` (default: the first of ``periods``)."""
        self._reps = reps[["rep_id", "team"]].astype(str)
        teams = sorted(self._reps["team"].unique(), key=natural_key)
        self._quiet = True
        try:
            self.team_picker.options = [("All teams", ""), *[(t, t) for t in teams]]
            self.period_picker.options = periods
            self.lang_picker.value = lang
            for picker, trait in [(self.period_picker, "period"), (self.team_picker, "team"),
                                  (self.rep_picker, "rep"), (self.lang_picker, "lang")]:
                widgets.link((picker, "value"), (self, trait))
            self._set_rep_options()
        finally:
            self._quiet = False
        self.observe(self._on_period, names=["period"])
        self.observe(self._on_team, names=["team"])
        self.observe(self._redraw, names=["rep", "lang"])
        self._apply_language()
        if not periods:
            return
        start = period if period is not None else periods[0]
        if self.period == start:
            self._on_period()
        else:
            self.period = start  # triggers _on_period

    # -- words ---------------------------------------------------------------------------
    def _t(self, key: str, **fmt) -> str:
        """The word ``<MESSAGE_PREFIX>.<key>`` in the panel's language, else the shared ``app.<key>``."""
        own = f"{self.MESSAGE_PREFIX}.{key}"
        return message(own if own in MESSAGES else f"app.{key}", self.lang, **fmt)

    # -- pickers -------------------------------------------------------------------------
    def _members(self) -> set[str]:
        """Rep ids of the team picked (every rep for all teams)."""
        reps = self._reps if not self.team else self._reps[self._reps["team"] == self.team]
        return set(reps["rep_id"])

    def _set_rep_options(self) -> None:
        ids = sorted(self._members(), key=natural_key)
        keep = self.rep if self.rep in set(ids) else ""
        with self.hold_trait_notifications():
            self.rep_picker.options = [(self._t("no_rep"), ""), *[(r, r) for r in ids]]
            self.rep_picker.value = keep
        self.rep = keep

    def _apply_language(self) -> None:
        """Relabel the pickers and tabs in the current language, keeping the selection."""
        self._labels_lang = self.lang
        quiet, self._quiet = self._quiet, True
        try:
            team, rep = self.team, self.rep
            self.team_picker.options = [(self._t("all_teams"), ""), *self.team_picker.options[1:]]
            self.team_picker.value = team
            self._set_rep_options()
            self.rep_picker.value = rep if rep in {v for _, v in self.rep_picker.options} else ""
        finally:
            self._quiet = quiet
        for picker, key in [(self.period_picker, "period"), (self.team_picker, "team"),
                            (self.rep_picker, "rep"), (self.lang_picker, "language")]:
            picker.description = self._t(key)
        for i, key in enumerate(self.TAB_KEYS):
            self.tabs.set_title(i, self._t(key))

    # -- events --------------------------------------------------------------------------
    def _on_period(self, change=None):
        if self._quiet or not self.period:
            return
        try:
            self.error.clear()
            if not self._is_computed(self.period):
                self.status.value = f"<i>{escape_html(self._t('computing', period=self.period))}</i>"
            self._compute(self.period)
            self._redraw()
        except Exception as exc:  # shown to the viewer instead of a hidden traceback
            self.status.value = ""
            self.error.show(exc)

    def _on_team(self, change=None):
        if self._quiet:
            return
        self._quiet = True
        try:
            self._set_rep_options()
        finally:
            self._quiet = False
        self._redraw()

    # -- for the subclass ----------------------------------------------------------------
    def _is_computed(self, period: str) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def _compute(self, period: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _redraw(self, change=None) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
