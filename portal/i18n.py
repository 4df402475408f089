"""Language choice and the template filters that show dates, times, yen and clauses.

Japanese is the default. The language is, in order: the signed-in user's saved choice, the
`portal_lang` cookie set by the language switch, the browser's Accept-Language, then
Japanese. Business dates are shown as days in Japan: 2026年12月23日(水) in Japanese,
Wed, 23 Dec 2026 in English; amounts as ¥12,345.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from babel.dates import format_date, format_datetime
from flask import Flask, current_app, g, has_app_context, has_request_context, request, url_for
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from portal.extensions import babel
from portal.rules.jst import JST

LANG_COOKIE = "portal_lang"
_CLAUSE = re.compile(r"^§(\d+)((?:\(\d+\))*)(①|②|③|④|⑤|⑥|⑦|⑧|⑨)?$")


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in languages:
        return user_locale
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return cookie
    return request.accept_languages.best_match(languages) or current_app.config[
        "BABEL_DEFAULT_LOCALE"
    ]


def current_language() -> str:
    return str(get_locale() or "ja")[:2]


def jdate(value: date | datetime | None, lang: str | None = None) -> str:
    """A day as 2026年12月23日(水) / Wed, 23 Dec 2026; datetimes are first moved to JST."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(JST).date()
    lang = lang or current_language()
    if lang == "ja":
        return format_date(value, "y年M月d日(E)", locale="ja")
    return format_date(value, "EEE, d MMM y", locale="en")


def jdatetime(value: datetime | None, lang: str | None = None) -> str:
    """A moment in JST: 2026年12月23日(水) 09:05 / Wed, 23 Dec 2026 09:05 JST."""
    if value is None:
        return ""
    lang = lang or current_language()
    local = value.astimezone(JST)
    if lang == "ja":
        return format_datetime(local, "y年M月d日(E) HH:mm", locale="ja")
    return format_datetime(local, "EEE, d MMM y HH:mm", locale="en") + " JST"


def yen(amount: int | None) -> str:
    """¥12,345 (yen are integers; negative amounts keep their sign before the symbol)."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(int(amount)):,}"


def clause(ref: str, lang: str | None = None) -> str:
    """§14(3) → 第14条(3) in Japanese, Art. 14(3) in English; §15(1)① keeps its ①."""
    match = _CLAUSE.match(ref or "")
    if not match:
        return ref
    article, paragraphs, item = match.group(1), match.group(2), match.group(3) or ""
    lang = lang or current_language()
    if lang == "ja":
        return f"第{article}条{paragraphs}{item}"
    return f"Art. {article}{paragraphs}{item}"


def clause_anchor(ref: str) -> str | None:
    """§14(3) → "art-14-3", §16 → "art-16": the id of that article or paragraph on the terms
    page (portal.terms renders the version in force with these ids); None if not a clause."""
    match = _CLAUSE.match(ref or "")
    if not match:
        return None
    first = re.match(r"\((\d+)\)", match.group(2) or "")
    return f"art-{match.group(1)}" + (f"-{first.group(1)}" if first else "")


# The filters below take the template context (`pass_context`), not only the evaluation
# context: Jinja folds filters of literals at compile time unless they need the context, and
# `'§14(3)'|clause` would then keep the language of the first request that compiled the
# template (an English page citing 第14条(3), or a Japanese one citing Art. 14(3)).

@pass_context
def clause_link(context, ref: str, lang: str | None = None) -> Markup | str:
    """The `clause` filter: in HTML pages a link to that paragraph of the terms in force
    (/terms#art-14-3); in text mail (no autoescape) the plain citation."""
    eval_ctx = context.eval_ctx
    text = clause(ref, lang)
    anchor = clause_anchor(ref)
    if not eval_ctx.autoescape or anchor is None or not has_request_context():
        return text
    return Markup('<a class="clause-link" href="{}#{}">{}</a>').format(
        url_for("terms.current"), anchor, text)


@pass_context
def clauses(context, refs, lang: str | None = None) -> Markup | str:
    sep = "、" if (lang or current_language()) == "ja" else ", "
    if context.eval_ctx.autoescape:
        return Markup(sep).join(clause_link(context, r, lang) for r in refs)
    return sep.join(clause(r, lang) for r in refs)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Asia/Tokyo")
    app.add_template_filter(jdate, "jdate")
    app.add_template_filter(jdatetime, "jdatetime")
    app.add_template_filter(yen, "yen")
    app.add_template_filter(clause_link, "clause")
    app.add_template_filter(pass_context(lambda _context, ref, lang=None: clause(ref, lang)),
                            "clause_text")
    app.add_template_filter(clauses, "clauses")
    app.jinja_env.globals["current_language"] = current_language
    # Templates translate through the translations object kept for the current locale (below)
    # instead of Flask-Babel's per-string lookup of the locale, the domain and its cache.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current_translations().ugettext(s),
        ngettext=lambda s, p, n: current_translations().ungettext(s, p, n),
        pgettext=lambda c, s: current_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: current_translations().unpgettext(c, s, p, n),
        newstyle=True)


def current_translations():
    """Flask-Babel's translations for the current locale, kept on its per-request context
    next to the locale they were loaded for. Flask-Babel caches the catalogs per locale
    already, but finds locale, domain and cache again for every string (~8 µs, a hundred
    times a page); this is one attribute check. A changed locale (`force_locale` for mail,
    `refresh()` after a language switch) is a different object, so it is looked up again."""
    ctx = g.get("_flask_babel") if has_app_context() else None
    if ctx is None:
        return get_translations()
    cached = getattr(ctx, "portal_translations", None)
    if cached is not None and cached[0] is getattr(ctx, "babel_locale", None):
        return cached[1]
    translations = get_translations()
    ctx.portal_translations = (getattr(ctx, "babel_locale", None), translations)
    return translations
