"""Pages over a list shown in parts, one after the other (e.g. the overdue files, then those not
started, then the closed ones): each part is read in its own order, the one its index keeps, so a
page costs one count and one or two short reads instead of one sort over every row.

Counts stop at the COUNT_LIMIT setting (10,000): a big commune's 200 k complaints would cost an
exact count that grows with them on every page, where "more than 10,000" tells a clerk as much."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.pagination import Pagination

from app.extensions import db
from app.i18n import gettext


def count_limit() -> int:
    return current_app.config["COUNT_LIMIT"]


def count_up_to(statement, limit: int):
    """A scalar subquery: how many rows ``statement`` finds, counted no further than ``limit`` + 1
    (so more than ``limit`` can be told apart from exactly ``limit``)."""
    found = statement.order_by(None).limit(limit + 1).subquery()
    return sa.select(sa.func.count()).select_from(found).scalar_subquery()


def said(count: int, counted_to: int) -> tuple[int, int | str]:
    """(the number a plural agrees with, the number a page says) of a count that stopped at
    ``counted_to`` + 1: past it, "More than …"."""
    if count <= counted_to:
        return count, count
    return counted_to, gettext("More than %(count)d", count=counted_to)


def count_of(statement, limit: int | None = None) -> int:
    """How many rows ``statement`` finds, counted no further than ``limit`` + 1 (COUNT_LIMIT + 1)."""
    return db.session.scalar(sa.select(count_up_to(statement, limit or count_limit())))


class PartsPagination(Pagination):
    """``select``: the statement every part shares; ``parts``: [(condition, order_by), …], the
    conditions exclusive and together covering what ``select`` finds; ``key``: the primary key.
    A part's page is found on its index alone (the keys, in order), then its 25 rows are read.
    ``counted_all`` is False when a part had more rows than were counted: ``total`` is then a
    lower bound, past this page."""

    def _query_items(self) -> list:
        statement, parts, key = self._query_args["select"], self._query_args["parts"], self._query_args["key"]
        # One statement counts every part, on its index, as far as this page needs and at least to
        # COUNT_LIMIT: a part counted short still holds more than this page skips and shows.
        enough = max(count_limit(), self._query_offset + self.per_page)
        keys_of = statement.with_only_columns(key)
        sizes = sa.select(*(count_up_to(keys_of.where(where), enough) for where, _ in parts))
        self._sizes = list(db.session.execute(sizes).one())
        self.counted_all = all(size <= enough for size in self._sizes)
        total = sum(self._sizes)
        self.plural_total, self.shown_total = said(total, total if self.counted_all else enough)
        items, skip, wanted = [], self._query_offset, self.per_page
        for (where, order), size in zip(parts, self._sizes, strict=True):
            if wanted <= 0:
                break
            if skip >= size:
                skip -= size
                continue
            keys = db.session.scalars(
                statement.with_only_columns(key).where(where).order_by(*order).offset(skip).limit(wanted)
            ).all()
            found = (
                {getattr(row, key.key): row for row in db.session.scalars(statement.where(key.in_(keys)))}
                if keys
                else {}
            )
            items += [found[k] for k in keys if k in found]
            skip, wanted = 0, wanted - len(keys)
        return items

    def _query_count(self) -> int:
        return sum(self._sizes)


def paginate_parts(statement, key, parts: list, page: int, per_page: int) -> PartsPagination:
    return PartsPagination(
        page=page, per_page=per_page, max_per_page=None, error_out=False, select=statement, key=key, parts=parts
    )
