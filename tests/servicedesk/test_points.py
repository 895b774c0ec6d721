"""Per-point settings (DOMAIN: every number is a default an administrator can change per point)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from servicedesk import defaults
from servicedesk.models import AuditLog, Role

pytestmark = pytest.mark.django_db


def test_a_new_point_gets_the_domain_defaults(point):
    assert point.calling_hours == [["09:00", "12:00"], ["14:00", "20:00"]]
    assert point.callback_sample_rate == Decimal("0.30")
    assert point.compensation_limit_for(Role.FRONT_DESK) == Decimal("0")
    assert point.compensation_limit_for(Role.HOTLINE) == Decimal("0")
    assert point.compensation_limit_for(Role.SUPERVISOR) == Decimal("200")
    assert point.compensation_limit_for(Role.SERVICE_MANAGER) == Decimal("1000")
    assert point.repeat_repair_days == defaults.REPEAT_REPAIR_DAYS == 90
    assert point.pickup_overdue_days == defaults.PICKUP_OVERDUE_DAYS == 7
    assert point.answer_within_rings == 3 and point.hold_check_seconds == 30


def _form_data(point, **changes):
    data = {
        "name": point.name,
        "address": point.address,
        "phone": point.phone,
        "opening_hours": "",
        "print_format": "a5",
        "calling_hours": "09:00-12:00, 14:00-20:00",
        "callback_sample_rate": "30",
        "callback_max_attempts": "3",
        "callback_first_day": "3",
        "callback_second_from_day": "8",
        "callback_second_to_day": "15",
        "callback_target_seconds": "180",
        "callback_retry_minutes": "120",
        "complaint_callback_days": "3",
        "complaint_first_reply_hours": "24",
        "refused_quote_fee": "0",
        "refund_authority_desk": "0",
        "repeat_repair_days": "90",
        "pickup_overdue_days": "7",
        "answer_within_rings": "3",
        "hold_check_seconds": "30",
        "compensation_limit_front_desk": "0",
        "compensation_limit_hotline": "0",
        "compensation_limit_supervisor": "200",
        "compensation_limit_manager": "1000",
        "version": str(point.settings_version),
    }
    data.update(changes)
    return data


def test_supervisor_changes_calling_hours_and_it_is_audited(client, point, staff_of):
    supervisor = staff_of(Role.SUPERVISOR)
    client.force_login(supervisor.user)
    response = client.post(
        reverse("servicedesk:point_settings", args=[point.pk]),
        _form_data(point, calling_hours="08:30-12:00，13:30-19:00", callback_sample_rate="50"),
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.calling_hours == [["08:30", "12:00"], ["13:30", "19:00"]]
    assert point.callback_sample_rate == Decimal("0.50")
    entry = AuditLog.objects.get(action="point.settings_changed")
    assert entry.actor == supervisor.user and "calling_hours" in entry.detail["changes"]


@pytest.mark.parametrize(
    "bad",
    ["12:00-09:00", "09:00-12:00, 11:00-13:00", "nine to five", "25:00-26:00", ""],
)
def test_bad_calling_hours_give_a_field_error_and_change_nothing(bad, client, point, staff_of):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    response = client.post(
        reverse("servicedesk:point_settings", args=[point.pk]), _form_data(point, calling_hours=bad)
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get("calling_hours")
    point.refresh_from_db()
    assert point.calling_hours == [["09:00", "12:00"], ["14:00", "20:00"]]
    assert not AuditLog.objects.filter(action="point.settings_changed").exists()


def test_second_callback_window_must_not_end_before_it_starts(client, point, staff_of):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    response = client.post(
        reverse("servicedesk:point_settings", args=[point.pk]),
        _form_data(point, callback_second_from_day="15", callback_second_to_day="8"),
    )
    assert response.status_code == 200
    point.refresh_from_db()
    assert (point.callback_second_from_day, point.callback_second_to_day) == (8, 15)


def test_supervisor_cannot_raise_their_own_compensation_limit(client, point, staff_of):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    client.post(
        reverse("servicedesk:point_settings", args=[point.pk]),
        _form_data(point, compensation_limit_supervisor="5000"),
    )
    point.refresh_from_db()
    assert point.compensation_limit_supervisor == Decimal("200")


def test_service_manager_sets_compensation_limits(client, point, staff_of):
    client.force_login(staff_of(Role.SERVICE_MANAGER).user)
    client.post(
        reverse("servicedesk:point_settings", args=[point.pk]),
        _form_data(point, compensation_limit_supervisor="300"),
    )
    point.refresh_from_db()
    assert point.compensation_limit_supervisor == Decimal("300")


@pytest.mark.parametrize(
    "role", [Role.FRONT_DESK, Role.TECHNICIAN, Role.HOTLINE, Role.CALLBACK_CLERK]
)
def test_desk_roles_cannot_open_point_settings(role, client, point, staff_of):
    client.force_login(staff_of(role).user)
    assert client.get(reverse("servicedesk:point_settings", args=[point.pk])).status_code == 403


def test_supervisor_sees_expiring_certificates_on_the_workbench(client, point, staff_of):
    import datetime as dt

    from django.utils import timezone

    soon = staff_of(
        Role.TECHNICIAN, certificate_expires=timezone.localdate() + dt.timedelta(days=5)
    )
    staff_of(Role.TECHNICIAN)  # valid for a year: not listed
    client.force_login(staff_of(Role.SUPERVISOR).user)
    response = client.get(reverse("home"))
    assert list(response.context["expiring"]) == [soon]


def test_expired_certificate_blocks_new_work(point, staff_of):
    import datetime as dt

    from django.utils import timezone

    expired = staff_of(
        Role.TECHNICIAN, certificate_expires=timezone.localdate() - dt.timedelta(days=1)
    )
    assert not expired.certificate_valid
    assert staff_of(
        Role.CALLBACK_CLERK, certificate_number="", certificate_expires=None
    ).certificate_valid


def test_pages_list_staff_with_constant_queries(
    client, point, staff_of, django_assert_max_num_queries
):
    supervisor = staff_of(Role.SUPERVISOR)
    client.force_login(supervisor.user)
    for _ in range(30):
        staff_of(Role.TECHNICIAN)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("servicedesk:staff_list")).status_code == 200


def test_supervisor_sets_when_a_pickup_is_overdue(client, point, staff_of):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    client.post(
        reverse("servicedesk:point_settings", args=[point.pk]),
        _form_data(point, pickup_overdue_days="10"),
    )
    point.refresh_from_db()
    assert point.pickup_overdue_days == 10


def test_supervisor_names_the_department_told_of_complaints_among_the_points_own(
    client, point, other_point, staff_of
):
    from servicedesk.models import Department

    own = Department.objects.create(point=point, name="客户服务部")
    foreign = Department.objects.create(point=other_point, name="上海客服部")
    client.force_login(staff_of(Role.SUPERVISOR).user)
    url = reverse("servicedesk:point_settings", args=[point.pk])
    refused = client.post(url, _form_data(point, complaint_department=str(foreign.pk)))
    assert refused.status_code == 200 and refused.context["form"].errors["complaint_department"]
    assert client.post(url, _form_data(point, complaint_department=str(own.pk))).status_code == 302
    point.refresh_from_db()
    assert point.complaint_department == own


@pytest.mark.reliability(
    "Two supervisors edit one point's settings",
    "both load the settings form; the second saves on the stale version",
)
def test_second_of_two_supervisors_gets_a_conflict_not_a_lost_update(client, point, staff_of):
    url = reverse("servicedesk:point_settings", args=[point.pk])
    loaded = _form_data(point)  # both forms are loaded with the same version
    first, second = staff_of(Role.SUPERVISOR), staff_of(Role.SUPERVISOR)
    client.force_login(first.user)
    assert client.post(url, loaded | {"pickup_overdue_days": "10"}).status_code == 302

    client.force_login(second.user)
    response = client.post(url, loaded | {"address": "第二个地址 8 号"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "您编辑期间他人已保存了这些设置" in page
    form = response.context["form"]
    assert form["address"].value() == "第二个地址 8 号"  # what was typed is kept
    assert "address" not in form.errors  # nobody else changed it
    # Left as loaded, changed meanwhile by the first: their value is taken over and said so.
    assert form["pickup_overdue_days"].value() == "10"
    assert "他人刚保存的值，已采用：10" in " ".join(form.errors["pickup_overdue_days"])
    point.refresh_from_db()
    assert point.pickup_overdue_days == 10 and point.address != "第二个地址 8 号"
    assert AuditLog.objects.filter(action="point.settings_changed").count() == 1
    # The re-shown form carries the stored version: saving it again keeps both changes.
    assert form["version"].value() == str(point.settings_version)
    again = client.post(
        url,
        loaded
        | {
            "address": "第二个地址 8 号",
            "pickup_overdue_days": form["pickup_overdue_days"].value(),
            "version": form["version"].value(),
        },
    )
    assert again.status_code == 302
    point.refresh_from_db()
    assert point.address == "第二个地址 8 号" and point.pickup_overdue_days == 10


def test_a_field_both_supervisors_changed_keeps_the_typed_value_and_shows_the_saved_one(
    client, point, staff_of
):
    url = reverse("servicedesk:point_settings", args=[point.pk])
    loaded = _form_data(point)
    client.force_login(staff_of(Role.SUPERVISOR).user)
    assert client.post(url, loaded | {"pickup_overdue_days": "10"}).status_code == 302
    client.force_login(staff_of(Role.SUPERVISOR).user)
    response = client.post(url, loaded | {"pickup_overdue_days": "14"})
    form = response.context["form"]
    assert form["pickup_overdue_days"].value() == "14"
    assert "他人刚保存的值：10" in " ".join(form.errors["pickup_overdue_days"])


def test_every_saved_change_moves_the_settings_version_on(client, point, staff_of):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    url = reverse("servicedesk:point_settings", args=[point.pk])
    page = client.get(url).content.decode()
    assert f'name="version" value="{point.settings_version}"' in page
    client.post(url, _form_data(point, address="新地址 2 号"))
    before = point.settings_version
    point.refresh_from_db()
    assert point.settings_version == before + 1
    # The same form sent twice: the second is stale and changes nothing.
    response = client.post(url, _form_data(point, address="新地址 3 号") | {"version": str(before)})
    assert response.status_code == 200
    point.refresh_from_db()
    assert point.address == "新地址 2 号"


def test_a_change_in_the_admin_makes_an_open_settings_form_stale(client, point, staff_of):
    from django.contrib import admin

    loaded = _form_data(point, address="新地址 4 号")
    point.pickup_overdue_days = 12
    admin.site._registry[type(point)].save_model(None, point, None, True)
    assert point.settings_version == int(loaded["version"]) + 1
    client.force_login(staff_of(Role.SUPERVISOR).user)
    response = client.post(reverse("servicedesk:point_settings", args=[point.pk]), loaded)
    assert response.status_code == 200
    point.refresh_from_db()
    assert point.pickup_overdue_days == 12 and point.address != "新地址 4 号"
