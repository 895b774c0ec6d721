"""Type aliases shared by the apps' annotations."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

#: Who does something in a service: a signed-in staff account (the project's user model).
Actor: TypeAlias = User
#: Whatever a request carries as its user, for checks that also answer for the anonymous visitor.
AnyUser: TypeAlias = User | AnonymousUser
