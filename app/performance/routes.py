"""Public pages of the figures (a commune's, all communes side by side) and the open data files.
Pages read only the roll-up's table (app/performance/figures.py)."""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from flask import Response, abort, request, stream_with_context

from app.complaints.models import ComplaintCategory
from app.complaints.workflow import KIND_LABELS
from app.complaints.workflow import OUTCOME_LABELS as COMPLAINT_OUTCOMES
from app.core.channels import CHANNEL_LABELS
from app.extensions import db
from app.i18n import gettext as _
from app.i18n import text_direction
from app.inspections.workflow import OUTCOME_LABELS as INSPECTION_OUTCOMES
from app.models import Commune
from app.performance import bp, charts, figures, opendata, rollup
from app.performance.measures import BY_CODE, SECTIONS, of_section
from app.performance.models import WINDOWS
from app.permits.models import PermitType
from app.web import absolute_url, render

CACHE_SECONDS = 3600  # the figures change once a day; case lists more often
# Month by month: the two legal deadlines kept (the counts are in the table of the three periods).
CHARTED = ("permits_within_deadline", "complaints_answered_in_time")
BREAKDOWNS = (
    ("permits_received", "channel"),
    ("complaints_received", "kind"),
    ("complaints_received", "category"),
    ("complaints_received", "department"),
    ("complaints_received", "channel"),
    ("complaints_answered", "outcome"),
    ("inspections_reported", "outcome"),
)
BY_TYPE = ("permits_received", "permits_decided", "permits_within_deadline", "permits_median_days", "permits_silence")


def window_labels() -> dict[str, str]:
    return {
        "last_30_days": _("Last 30 days"),
        "last_12_months": _("Last 12 months"),
        "since_opening": _("Since opening"),
    }


def dimension_labels() -> dict[str, str]:
    return {
        "type": _("by type"),
        "kind": _("by kind"),
        "category": _("by category"),
        "department": _("by department"),
        "channel": _("by channel"),
        "outcome": _("by outcome"),
    }


def key_labeller(commune: Commune):
    """The words for a breakdown's key (codes in the table), in the page's language."""
    categories = {
        c.code: c.name
        for c in db.session.scalars(
            sa.select(ComplaintCategory)
            .where(ComplaintCategory.commune_id == commune.id)
            .execution_options(skip_commune_scope=True)
        )
    }
    words = {
        "kind": {k.value: v for k, v in KIND_LABELS.items()},
        "category": categories,
        "channel": {k.value: v for k, v in CHANNEL_LABELS.items()},
    }
    outcomes = {
        "complaints_answered": {k.value: v for k, v in COMPLAINT_OUTCOMES.items()},
        "inspections_reported": {k.value: v for k, v in INSPECTION_OUTCOMES.items()},
    }

    def label(code: str, dimension: str, key: str) -> str:
        table = outcomes.get(code, {}) if dimension == "outcome" else words.get(dimension, {})
        return table.get(key, key)

    return label


def _open_commune(code: str) -> Commune:
    commune = db.session.scalar(
        sa.select(Commune)
        .where(Commune.code == code, Commune.opened_at.is_not(None))
        .execution_options(skip_commune_scope=True)
    )
    if commune is None:
        abort(404)
    return commune


def _window() -> str:
    chosen = request.args.get("period", "")
    return chosen if chosen in WINDOWS else "last_12_months"


@bp.get("/communes/<code>/performance")
def commune(code: str):
    place = _open_commune(code)
    found = figures.of_commune(place.id)
    right_to_left = text_direction() == "rtl"
    return render(
        "performance/commune.html",
        commune=place,
        figures=found,
        windows=window_labels(),
        sections=[(name, SECTIONS[name], of_section(name)) for name in SECTIONS],
        charts=[charts.monthly(found, code, BY_CODE[code].label, right_to_left) for code in CHARTED],
        words=figures.Words(),
    )


@bp.get("/communes/<code>/performance/details")
def details(code: str):
    """The breakdowns of one period: by permit type, kind, category, department, channel, outcome."""
    place = _open_commune(code)
    found = figures.of_commune(place.id)
    window = _window()
    return render(
        "performance/details.html",
        commune=place,
        figures=found,
        window=window,
        windows=window_labels(),
        by_type=[BY_CODE[c] for c in BY_TYPE],
        type_keys=[key for key, _figure in found.breakdown(window, "permits_received", "type")],
        types={t.code: t for t in db.session.scalars(sa.select(PermitType))},
        breakdowns=[(BY_CODE[m], dimension, found.breakdown(window, m, dimension)) for m, dimension in BREAKDOWNS],
        dimension_labels=dimension_labels(),
        key_label=key_labeller(place),
        words=figures.Words(),
    )


@bp.get("/performance/definitions")
def definitions():
    return render("performance/definitions.html", sections=[(SECTIONS[name], of_section(name)) for name in SECTIONS])


# --- all communes side by side ----------------------------------------------------------------

COLUMNS = (
    ("complaints_received", True),  # (measure, per 10,000 inhabitants)
    ("complaints_answered_in_time", False),
    ("complaints_median_days", False),
    ("permits_received", True),
    ("permits_within_deadline", False),
    ("permits_silence", False),
)


def _sort_value(found: figures.CommuneFigures, window: str, code: str, per_inhabitants: bool, population):
    figure = found.get(window, code)
    if figure.hidden:
        return None
    if per_inhabitants:
        return figure.value / population if population else None
    return figure.value


@bp.get("/performance")
def communes():
    window = _window()
    region, province = request.args.get("region", ""), request.args.get("province", "")
    open_ones = sorted(rollup.open_communes(), key=lambda c: c.name)
    regions = sorted({(c.region_code, c.region) for c in open_ones}, key=lambda pair: pair[1])
    region = region if region in {code for code, _name in regions} else ""
    provinces = sorted(
        {(c.province_code, c.province) for c in open_ones if not region or c.region_code == region},
        key=lambda pair: pair[1],
    )
    province = province if province in {code for code, _name in provinces} else ""
    shown = [c for c in open_ones if region in ("", c.region_code) and province in ("", c.province_code)]
    found = figures.of_communes([c.id for c in shown], window)
    sort = request.args.get("sort", "")
    columns = dict(COLUMNS)
    descending = request.args.get("order", "desc") != "asc"
    if sort in columns:
        known = [c for c in shown if _sort_value(found[c.id], window, sort, columns[sort], c.population) is not None]
        unknown = [c for c in shown if c not in known]
        known.sort(
            key=lambda c: _sort_value(found[c.id], window, sort, columns[sort], c.population), reverse=descending
        )
        shown = known + unknown  # "fewer than 5" last, whichever the order
    else:
        sort, descending = "", False
    return render(
        "performance/communes.html",
        rows=[(c, found[c.id]) for c in shown],
        columns=[(BY_CODE[code], per) for code, per in COLUMNS],
        window=window,
        windows=window_labels(),
        regions=regions,
        provinces=provinces,
        region=region,
        province=province,
        sort=sort,
        descending=descending,
        words=figures.Words(),
    )


# --- open data --------------------------------------------------------------------------------


def _scope(scope: str) -> tuple[Commune | None, list[Commune]]:
    if scope == "all":
        return None, rollup.open_communes()
    commune = _open_commune(scope)
    return commune, [commune]


def _cacheable(etag: str, build) -> Response:
    """Public and cacheable: a copy whose ETag still matches gets 304 without being built again
    (the compression layer adds its own suffix to the tag: both forms match)."""
    if any(request.if_none_match.contains(tag) for tag in (etag, f"{etag}:br", f"{etag}:gzip")):
        response = Response(status=304)
    else:
        response = build()
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/open-data")
def open_data():
    _none, communes = _scope("all")
    return render("performance/open_data.html", communes=communes, datasets=opendata.DATASETS)


@bp.get("/open-data/<scope>/datapackage.json")
def datapackage(scope: str):
    commune, communes = _scope(scope)
    about = absolute_url("performance.open_data")
    base = absolute_url("main.home")
    descriptor = opendata.datapackage(commune, communes, base, about)
    body = json.dumps(descriptor, ensure_ascii=False, indent=1)
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    return _cacheable(etag, lambda: Response(body, mimetype="application/json"))


@bp.get("/open-data/<scope>/<any(figures, permits, complaints):dataset>.<any(csv, json):fmt>")
def download(scope: str, dataset: str, fmt: str):
    commune, communes = _scope(scope)
    etag = opendata.version(dataset, communes)
    name = f"{opendata.scope_name(commune)}-{dataset}.{fmt}"

    def build() -> Response:
        rows = opendata.ROWS[dataset](communes)
        body = stream_with_context(opendata.WRITERS[fmt](dataset, rows))
        response = Response(body, mimetype=opendata.MEDIA_TYPES[fmt])
        response.headers["Content-Disposition"] = f'inline; filename="{name}"'
        return response

    return _cacheable(etag, build)
