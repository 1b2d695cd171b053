"""Who may open a page. Which commune's data they see is app.scoping's job."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from app.models import Role


def roles_required(*roles: Role):
    """Signed in with one of these roles, else 403 (sign-in first when anonymous)."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = roles_required(Role.AGENT, Role.CLERK, Role.REVIEWER, Role.ADMIN, Role.NATIONAL_ADMIN)
admin_required = roles_required(Role.ADMIN, Role.NATIONAL_ADMIN)
national_admin_required = roles_required(Role.NATIONAL_ADMIN)
