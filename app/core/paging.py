"""Pages over a list shown in parts, one after the other (e.g. the overdue files, then those not
started, then the closed ones): each part is read in its own order, the one its index keeps, so a
page costs one count and one or two short reads instead of one sort over every row."""

from __future__ import annotations

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from app.extensions import db


class PartsPagination(Pagination):
    """``select``: the statement every part shares; ``parts``: [(condition, order_by), …], the
    conditions exclusive and together covering what ``select`` finds; ``key``: the primary key.
    A part's page is found on its index alone (the keys, in order), then its 25 rows are read."""

    def _query_items(self) -> list:
        statement, parts = self._query_args["select"], self._query_args["parts"]
        # One statement counts every part, on the index (COUNT(*) FILTER: both databases have it).
        counts = (sa.func.count().filter(where) for where, _ in parts)
        sizes = statement.with_only_columns(*counts).select_from(self._query_args["key"].class_)
        self._sizes = list(db.session.execute(sizes.order_by(None)).one())
        items, skip, wanted = [], self._query_offset, self.per_page
        for (where, order), size in zip(parts, self._sizes, strict=True):
            if wanted <= 0:
                break
            if skip >= size:
                skip -= size
                continue
            key = self._query_args["key"]
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
