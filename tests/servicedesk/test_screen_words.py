"""How the screens say things (UX 4): staff by name and staff number, never the login name; times
in the point's time zone in one format; dates in date boxes in ISO form; rates as percentages;
phones grouped; "全部" where all is meant; the audit log in words with links."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.urls import reverse

from complaints import services as complaints
from intake.models import Channel, Purpose, Visit
from servicedesk import audit
from servicedesk.models import AuditLog, Role
from servicedesk.people import person_label
from tests import urlwalk
from tests.factories import CustomerFactory, make_staff

pytestmark = pytest.mark.django_db

ROLES = [role for role in Role if role != Role.ADMIN]
LOGIN_MARK = "bj01.login"


def test_staff_are_labelled_by_name_and_number(staff_of):
    staff = staff_of(Role.HOTLINE)
    staff.display_name, staff.staff_number = "张热线", "1023"
    staff.save()
    assert person_label(staff.user) == "张热线 · 1023"
    # Wherever an account is printed as text (dropdowns, timelines), it reads the same way.
    assert str(staff.user) == "张热线 · 1023"


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_no_login_name_appears_on_any_page_of_the_walk(role, point, client):
    mine = urlwalk.make_objects(point)
    me = make_staff(role, point=point, region=point.region)
    get_user_model().objects.update(username=Concat(Value(LOGIN_MARK), F("id")))
    client.force_login(me.user)
    plain, objects = urlwalk.registry()
    shown = []
    for name in sorted(set(plain) | set(objects)):
        url = urlwalk.url_for(name, mine)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        if LOGIN_MARK in response.content.decode():
            shown.append(f"{name} ({url})")
    assert not shown, "Pages showing a login name:\n" + "\n".join(shown)


def test_complaint_page_shows_its_calls_time_in_the_points_time_zone(point, staff_of, client):
    owner = staff_of(Role.HOTLINE)
    call_at = dt.datetime(2026, 11, 30, 18, 13, tzinfo=dt.UTC)  # 02:13 on 12-01 in Shanghai
    call = Visit.objects.create(
        point=point, channel=Channel.HOTLINE, purpose=Purpose.COMPLAINT, arrived_at=call_at
    )
    complaint = complaints.complaint_open(
        point=point,
        actor=owner.user,
        customer=CustomerFactory(point=point),
        channel="hotline",
        source="call",
        summary="屏幕闪烁",
        visit=call,
        promised_reply_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=4),
    )
    client.force_login(owner.user)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "2026-12-01 02:13" in page
    assert "18:13" not in page
    assert reverse("intake:call_detail", args=[call.pk]) in page


def test_staff_statistics_date_boxes_are_filled_in_iso_form(point, staff_of, client):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    page = client.get(
        reverse("reporting:staff_stats"), {"date_from": "2026-11-03", "date_to": "2026-11-30"}
    ).content.decode()
    assert 'value="2026-11-03"' in page and 'value="2026-11-30"' in page
    assert "2026/11/03" not in page


def test_sampling_rate_is_typed_and_shown_as_a_percentage(point, staff_of, client):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    url = reverse("servicedesk:point_settings", args=[point.pk])
    page = client.get(url).content.decode()
    assert re.search(r'name="callback_sample_rate"[^>]*value="30"', page)
    assert point.callback_sample_rate == Decimal("0.30")


def test_yes_no_filters_offer_all_not_unknown(point, staff_of, client):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    page = client.get(reverse("complaints:queue")).content.decode()
    overdue = re.search(r'<select name="overdue".*?</select>', page, re.S).group(0)
    assert "全部" in overdue and "未知" not in overdue


def test_readback_script_groups_the_phone():
    from django.template import Context, Template

    rendered = Template("{{ number|phone }}").render(Context({"number": "+8613812340000"}))
    assert rendered == "138 1234 0000"


def test_audit_log_speaks_in_words_with_links(point, staff_of, client):
    supervisor = staff_of(Role.SUPERVISOR)
    customer = CustomerFactory(point=point)
    audit.audit_customer_phone_revealed(actor=supervisor.user, customer=customer)
    AuditLog.objects.create(
        actor=supervisor.user,
        point=point,
        action="complaint.compensation_decided",
        object_type="complaints.compensationoffer",
        object_id="5",
        summary="¥30.00 approved",
        detail={"amount": "30.00", "status": "approved", "complaint": 7},
    )
    client.force_login(supervisor.user)
    page = client.get(reverse("servicedesk:audit_list")).content.decode()
    page = page[page.index("<tbody>") :]
    assert "complaint.compensation_decided" not in page and "pii.phone_revealed" not in page
    assert "approved" not in page
    assert reverse("intake:customer_detail", args=[customer.pk]) in page
    assert reverse("complaints:detail", args=[7]) in page
