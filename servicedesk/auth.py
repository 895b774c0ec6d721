"""Authentication backend: the request's user comes with its staff profile and point."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class StaffModelBackend(ModelBackend):
    """``ModelBackend`` whose ``get_user`` (once per request) joins the staff profile, its point
    and region: every page reads them (scoping, the role, the header), one query instead of
    three."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related(
            "staff_profile__point", "staff_profile__region"
        )
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
