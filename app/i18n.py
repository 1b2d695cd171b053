"""Which language a page is in: the user's choice, then a cookie, then the browser."""

from __future__ import annotations

from babel import Locale, support
from flask import current_app, g, has_app_context, has_request_context, request
from flask_babel import get_locale, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user

from app.config import BABEL_LOCALES, LANGUAGES

LANGUAGE_COOKIE = "lang"
RTL_LANGUAGES = {"ar"}
LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français", "en": "English"}


def chosen_language() -> str:
    if current_user and current_user.is_authenticated and current_user.locale in LANGUAGES:
        return current_user.locale
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return browser_language() or current_app.config["BABEL_DEFAULT_LOCALE"]


def browser_language() -> str | None:
    """The browser's first choice we speak, by its language alone: "ar-MA,en;q=0.5" is Arabic
    (werkzeug's best_match would prefer the exact "en" to the region-tagged first choice)."""
    for tag, quality in request.accept_languages:  # best first
        language = tag.split("-")[0].split("_")[0].lower()
        if quality > 0 and language in LANGUAGES:
            return language
    return None


# Parsed once: Flask-Babel takes a Locale as it is, where it would parse a name on every request.
LOCALES = {language: Locale.parse(name) for language, name in BABEL_LOCALES.items()}


def select_locale() -> Locale:
    """Flask-Babel's locale selector: ar_MA / fr_MA / en, so Babel formats for Morocco."""
    if not has_request_context():
        return LOCALES["en"]  # command line and logs: the operators' common language
    if "language" not in g:
        g.language = chosen_language()
    return LOCALES[g.language]


def current_language() -> str:
    if not has_request_context():
        return "ar"
    return page_locale().language


def _kept_locale():
    """(Flask-Babel's namespace for this request, the locale it keeps there or None): the locale
    may be forced for a while, e.g. an e-mail in its reader's language."""
    babel = g.get("_flask_babel")
    return babel, getattr(babel, "babel_locale", None)


def page_locale() -> Locale:
    """The locale in force; chosen by select_locale the first time."""
    return _kept_locale()[1] or get_locale()


def page_catalogue():
    """The catalogue of the locale in force, found once per locale per request. Flask-Babel finds
    it again for every string (three looks into the request's globals and the locale's name
    spelled out): with a page's fifty strings, a sixth of its time."""
    if not has_app_context():
        return support.NullTranslations()
    babel, locale = _kept_locale()
    if locale is None:
        return get_translations()  # the page's first string: the locale is chosen meanwhile
    kept = getattr(babel, "jamaati_catalogue", None)
    if kept is None or kept[0] is not locale:  # a forced or refreshed locale: another catalogue
        kept = babel.jamaati_catalogue = (locale, get_translations())
    return kept[1]


def gettext(string: str, **variables) -> str:
    """Flask-Babel's gettext, through page_catalogue."""
    translated = page_catalogue().ugettext(string)
    return translated % variables if variables else translated


def lazy_gettext(string: str, **variables) -> LazyString:
    """Flask-Babel's lazy_gettext (a form's labels, a module's messages), through page_catalogue."""
    return LazyString(gettext, string, **variables)


def install_template_gettext(app) -> None:
    """Templates translate through page_catalogue (Flask-Babel's callables look it up each time)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: page_catalogue().ugettext(s),
        ngettext=lambda s, p, n: page_catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: page_catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_catalogue().unpgettext(c, s, p, n),
        newstyle=True,
    )


def in_page_language(names: dict[str, str | None] | str) -> str:
    """A name kept in Arabic and French (an agency's) as this page reads it: the Arabic one on an
    Arabic page, else the French one (the commune's other official language). A name kept alone,
    as timeline entries were before both were kept, is shown as it is."""
    if isinstance(names, str):
        return names
    return (names.get("ar") if current_language() == "ar" else None) or names["fr"]


def text_direction(language: str | None = None) -> str:
    return "rtl" if (language or current_language()) in RTL_LANGUAGES else "ltr"
