"""Jinja filters that format dates and numbers with Babel for the page's locale."""

from datetime import datetime

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, format_time, to_user_timezone
from markupsafe import Markup

from app.core.geo import PUBLIC_DECIMALS, public_coordinate
from app.core.identity import format_phone
from app.i18n import in_page_language


def two_moments(earlier: datetime, later: datetime) -> tuple[str, str]:
    """A time recorded on a phone and the time the server received it, for "on site 09:50 —
    received 09:51": the day is said once when both fall on the same day (in Morocco)."""
    same_day = to_user_timezone(earlier).date() == to_user_timezone(later).date()
    return format_datetime(earlier, "short"), format_time(later, "short") if same_day else format_datetime(
        later, "short"
    )


def init_app(app: Flask) -> None:
    app.jinja_env.globals["two_moments"] = two_moments
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    # dd/mm/yyyy in Morocco's time, for documents that are the same in every language.
    app.jinja_env.filters["local_day"] = lambda value: to_user_timezone(value).strftime("%d/%m/%Y") if value else ""
    app.jinja_env.filters["number"] = lambda value: format_decimal(value) if value is not None else ""
    # Names typed in Arabic or Latin script keep their own direction inside any sentence.
    app.jinja_env.filters["in_page_language"] = in_page_language
    app.jinja_env.filters["bdi"] = lambda value: Markup("<bdi>{}</bdi>").format(value)
    app.jinja_env.filters["public_coordinate"] = lambda value: f"{public_coordinate(value):.{PUBLIC_DECIMALS}f}"
    app.jinja_env.filters["phone"] = lambda value: format_phone(value) if value else ""
