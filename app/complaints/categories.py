"""The complaint categories of a commune (its admins edit them): names, department, duplicate
radius, answer templates."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, request, url_for

from app.auth.access import admin_required
from app.complaints import bp
from app.complaints.forms import CategoryForm
from app.complaints.models import ComplaintCategory
from app.extensions import db
from app.i18n import gettext as _
from app.web import render


def commune_categories() -> list[ComplaintCategory]:
    """The categories of the staff member's commune (the commune wall filters them)."""
    return list(
        db.session.scalars(sa.select(ComplaintCategory).order_by(ComplaintCategory.position, ComplaintCategory.id))
    )


def _templates_text(templates: list) -> str:
    return "\n\n".join(f"{t.get('title', '')}\n{t.get('text', '')}".strip() for t in templates or [])


def _templates_list(text: str) -> list[dict]:
    result = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = block.strip().split("\n", 1)
        if lines[0].strip():
            result.append({"title": lines[0].strip()[:120], "text": (lines[1] if len(lines) > 1 else "").strip()})
    return result


@bp.get("/categories")
@admin_required
def categories():
    return render("complaints/categories.html", categories=commune_categories())


@bp.route("/categories/<id:category_id>", methods=["GET", "POST"])
@admin_required
def category(category_id: int):
    item = db.one_or_404(sa.select(ComplaintCategory).where(ComplaintCategory.id == category_id))
    form = CategoryForm(obj=item)
    if request.method == "GET":
        form.answer_templates.data = _templates_text(item.answer_templates)
    if form.validate_on_submit():
        for name in ("name_ar", "name_fr", "name_en", "department"):
            setattr(item, name, getattr(form, name).data.strip())
        item.duplicate_radius_m = form.duplicate_radius_m.data
        item.answer_templates = _templates_list(form.answer_templates.data)
        item.active = form.active.data
        db.session.commit()
        flash(_("The category is saved."), "success")
        return redirect(url_for("complaints.categories"), code=303)
    return render("complaints/category.html", form=form, category=item)
