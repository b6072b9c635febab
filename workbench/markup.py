"""The one escaping rule for every HTML the workbench builds: apps, review pages and reports.

Text that comes from the data — team names, rep ids and names, products, stages, loss
reasons, evidence sentences, module titles, exception messages — is put into HTML through
:func:`escape_html`, once, at the place where it meets markup. The review pages' Jinja2
templates autoescape with the same rule (MarkupSafe), so a name reads the same in an app
and on a page.

The result is a :class:`markupsafe.Markup` string: escaping it again changes nothing, so
text is escaped exactly once however many hands pass it on (``&`` never becomes
``&amp;amp;``). Use it inside f-strings; to join pieces of markup, join plain strings.

>>> escape_html('<img src=x onerror="alert(1)">')
Markup('&lt;img src=x onerror=&#34;alert(1)&#34;&gt;')
>>> escape_html(escape_html("Tom & Jerry")) == escape_html("Tom & Jerry")
True
>>> f"<h3>Team {escape_html('<b>East</b>')}</h3>"
'<h3>Team &lt;b&gt;East&lt;/b&gt;</h3>'
>>> escape_html(None), escape_html(1234)
(Markup(''), Markup('1234'))
"""

from __future__ import annotations

from markupsafe import Markup, escape

__all__ = ["escape_html", "Markup"]


def escape_html(value) -> Markup:
    """``value`` as text that shows literally inside HTML, element content or a quoted attribute.

    ``&``, ``<``, ``>``, ``"`` and ``'`` become character references; ``None`` becomes empty
    text; anything else is written with ``str``. A :class:`~markupsafe.Markup` value (already
    escaped, or markup the package built on purpose) is returned unchanged.

    Parameters
    ----------
    value : object
        Text from the data, a number, an exception, …

    Returns
    -------
    Markup
        A ``str`` subclass, safe to put into HTML.

    Examples
    --------
    >>> escape_html("<script>alert(1)</script>")
    Markup('&lt;script&gt;alert(1)&lt;/script&gt;')
    >>> escape_html(ValueError("bad <b>team</b>"))
    Markup('bad &lt;b&gt;team&lt;/b&gt;')
    """
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    return escape(value if isinstance(value, str) else str(value))
