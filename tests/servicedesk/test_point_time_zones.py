"""Every time shown is in the zone of the point its record belongs to (UX 4), also to a regional
service center or an administrator, who see several points at once and have no zone of their
own: a list switches zone per row, a record's page takes its point's zone. The walk compares
every page such a user sees with the pages of each point's own staff."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.models import ExportJob
from servicedesk.models import Role, ServicePoint
from tests import urlwalk
from tests.factories import ServicePointFactory, make_staff

pytestmark = pytest.mark.django_db

#: Records of the point in Urumqi (two hours behind Beijing) are made at 23:37 there, which is
#: 01:37 the next day in Beijing; those of the Beijing point at 12:19 (10:19 in Urumqi).
URUMQI_AT = dt.datetime(2026, 11, 20, 17, 37, tzinfo=dt.UTC)
BEIJING_AT = dt.datetime(2026, 11, 20, 4, 19, tzinfo=dt.UTC)
LOOKED_AT = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)
SEVERAL_POINTS = (Role.REGIONAL_CENTER, Role.ADMIN)
#: The lists that show rows of several points with a time on each row.
LISTS = [
    "repairs:ticket_list",
    "complaints:queue",
    "reporting:export_list",
    "followups:report_list",
    "loaners:list",
]
#: The home page's cards differ by role (the regional center's monthly files): its dates are
#: not the records' times.
NOT_COMPARED = {"home"}
STAMPS = re.compile(r"\b\d{4}-\d\d-\d\d(?: \d\d:\d\d)?\b|\b\d\d:\d\d\b")


@pytest.fixture
def west(point):
    return ServicePointFactory(
        region=point.region, code="XJ01", name="乌鲁木齐网点", time_zone="Asia/Urumqi"
    )


def objects_made_at(point, at):
    before = set(ServicePoint.objects.values_list("pk", flat=True))
    with time_machine.travel(at, tick=False):
        objects = urlwalk.make_objects(point)
    # The walk's objects include another region's point that repaired the same device (its
    # audit row of the lookup is shown in its own zone): it lies in the zone of ``point``, so
    # that its staff would see the same times as the staff compared with.
    ServicePoint.objects.exclude(pk__in=before).exclude(pk=point.pk).update(
        time_zone=point.time_zone
    )
    ExportJob.objects.filter(point=point, status="done").update(finished_at=at)
    return objects


@pytest.fixture
def beijing(point):
    return objects_made_at(point, BEIJING_AT)


@pytest.fixture
def urumqi(west):
    return objects_made_at(west, URUMQI_AT)


def page(client, url) -> str:
    with time_machine.travel(LOOKED_AT, tick=False):
        response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return ""
    return response.content.decode()


@pytest.mark.parametrize("role", SEVERAL_POINTS)
def test_lists_of_several_points_show_each_rows_time_in_its_points_zone(
    role, client, point, beijing, urumqi
):
    client.force_login(make_staff(role, region=point.region).user)
    for name in LISTS:
        shown = page(client, reverse(name))
        assert "2026-11-20 23:37" in shown, name  # Urumqi's row, in Urumqi
        assert "2026-11-20 12:19" in shown, name  # Beijing's row, in Beijing
        assert "01:37" not in shown and "10:19" not in shown, name


@pytest.mark.parametrize("role", SEVERAL_POINTS)
def test_every_page_shows_the_times_the_points_own_staff_see(role, client, point, beijing, urumqi):
    viewer = make_staff(role, region=point.region).user
    wrong = []
    for _route, name, _pattern in urlwalk.walk():
        if name in NOT_COMPARED:
            continue
        urls = [urlwalk.url_for(name, objects) for objects in (beijing, urumqi)]
        seen_by_staff = set()
        for objects, url in zip((beijing, urumqi), urls, strict=True):
            client.force_login(objects["supervisor"])
            seen_by_staff |= set(STAMPS.findall(page(client, url)))
        client.force_login(viewer)
        for url in urls:
            if extra := set(STAMPS.findall(page(client, url))) - seen_by_staff:
                wrong.append(f"{url} ({name}): {sorted(extra)}")
    assert not wrong, "\n".join(wrong)


def test_a_records_page_reads_in_its_points_zone(client, point, urumqi):
    client.force_login(make_staff(Role.REGIONAL_CENTER, region=point.region).user)
    ticket = page(client, reverse("repairs:ticket_detail", args=[urumqi["ticket"].pk]))
    assert "2026-11-20 23:37" in ticket and "01:37" not in ticket


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured, time_machine.travel(LOOKED_AT):
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", SEVERAL_POINTS)
def test_a_zone_per_row_costs_no_query(role, client, point, west, beijing):
    client.force_login(make_staff(role, region=point.region).user)
    for name in LISTS:
        queries(client, reverse(name))  # the session's first request
    one_point = {name: queries(client, reverse(name)) for name in LISTS}
    objects_made_at(west, URUMQI_AT)  # as many rows again, of a point in another zone
    assert {name: queries(client, reverse(name)) for name in LISTS} == one_point


def test_the_answering_figures_count_each_call_on_its_points_own_day(client, point, west):
    from intake.models import Channel, Purpose, Visit

    for at in (URUMQI_AT, BEIJING_AT):
        Visit.objects.create(
            point=west if at == URUMQI_AT else point,
            channel=Channel.HOTLINE,
            purpose=Purpose.INQUIRY,
            arrived_at=at,
            rings_to_answer=2,
        )
    client.force_login(make_staff(Role.REGIONAL_CENTER, region=point.region).user)
    with time_machine.travel(LOOKED_AT, tick=False):
        stats = client.get(reverse("intake:answering")).context["stats"]
    assert [(row["day"], row["calls"]) for row in stats["by_day"]] == [(dt.date(2026, 11, 20), 2)]
    assert stats["total"]["calls"] == 2


def test_the_dashboards_today_is_each_points_own_day(point, west):
    from intake.models import Channel, Purpose, Visit
    from reporting.dashboard import today_figures

    # 00:30 in Beijing on the 21st is 22:30 of the 20th in Urumqi.
    now = dt.datetime(2026, 11, 20, 16, 30, tzinfo=dt.UTC)
    for where, at in (
        (west, dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)),  # 18:00 of the 20th there: today
        (point, dt.datetime(2026, 11, 20, 15, 50, tzinfo=dt.UTC)),  # 23:50 of the 20th: yesterday
        (point, dt.datetime(2026, 11, 20, 16, 10, tzinfo=dt.UTC)),  # 00:10 of the 21st: today
    ):
        Visit.objects.create(
            point=where, channel=Channel.WALK_IN, purpose=Purpose.REPAIR, arrived_at=at
        )
    region = make_staff(Role.REGIONAL_CENTER, region=point.region).user
    assert today_figures(user=region, now=now)["arrivals"] == 2
