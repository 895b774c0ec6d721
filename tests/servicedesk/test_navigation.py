"""Each role's menu keeps to about eight entries on one line; every entry a role may use is on
the bar or under "More"."""

import pytest
from django.urls import reverse

from servicedesk import navigation
from servicedesk.models import Role
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_every_roles_bar_fits_and_nothing_is_lost(client, point, role):
    profile = make_staff(role, point=point, region=point.region)
    client.force_login(profile.user)
    response = client.get(reverse("home"))
    bar, more = response.context["nav_items"], response.context["nav_more"]
    assert len(bar) + (1 if more else 0) <= navigation.MAX_MENU_ENTRIES, [i["label"] for i in bar]
    allowed = {
        reverse(item.url_name)
        for item in navigation.items()
        if role == Role.ADMIN or role in item.roles
    }
    assert {i["url"] for i in bar} | {i["url"] for i in more} == allowed
    assert bar[0]["url"] == reverse("home")


def test_the_front_desk_has_its_days_pages_on_the_bar(client, point):
    client.force_login(make_staff(Role.FRONT_DESK, point=point).user)
    bar = {i["url"] for i in client.get(reverse("home")).context["nav_items"]}
    for name in ("intake:board", "repairs:ticket_list", "repairs:pickup", "intake:slip_queue"):
        assert reverse(name) in bar


def test_the_bar_is_worked_out_once_per_page_and_not_for_a_fragment(client, point, monkeypatch):
    """Issue #36: the badges are looked up once for a page that shows the bar, and not at all for
    the board's HTMX refresh, which renders no bar."""
    from servicedesk import context_processors

    calls = []
    real = context_processors._badges
    monkeypatch.setattr(
        context_processors, "_badges", lambda *args: calls.append(args) or real(*args)
    )
    client.force_login(make_staff(Role.FRONT_DESK, point=point).user)
    assert client.get(reverse("intake:board"), headers={"HX-Request": "true"}).status_code == 200
    assert calls == []
    assert client.get(reverse("intake:board")).status_code == 200
    assert len(calls) == 1
