"""DOMAIN 4 through the hotline service: each call kind routed, bad input refused whole,
answering figures per local day and per operator."""

import datetime as dt
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from intake.models import Customer, Visit
from intake.selectors import answering_stats
from intake.services.hotline import call_log
from servicedesk.models import Department, Role
from tests.factories import CustomerFactory, make_staff

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def operator(point):
    return make_staff(Role.HOTLINE, point=point).user


def log(point, operator, **changes):
    fields = {
        "token": uuid.uuid4(),
        "caller_kind": "customer",
        "purpose": "inquiry",
        "summary": "问保修期多长",
        "rings_to_answer": 2,
    } | changes
    return call_log(point=point, actor=operator, **fields)


def test_an_inquiry_is_logged_with_the_time_to_answer(point, operator):
    call = log(point, operator, answer_seconds=7, rings_to_answer=None, contact_phone="13800001234")
    assert call.channel == "hotline" and call.status == "done"
    assert call.rings_to_answer == 2 and call.answer_seconds == 7
    assert call.contact_phone == "+8613800001234"
    assert call.created_by == operator and call.department is None


def test_a_suggestion_goes_to_the_responsible_departments_list(point, operator):
    department = Department.objects.create(point=point, name="客服部")
    call = log(point, operator, purpose="suggestion", department=department)
    assert call.department == department
    network = Department.objects.create(point=None, name="品牌质量部")
    assert log(point, operator, purpose="suggestion", department=network).department == network


def test_a_suggestion_needs_a_department_of_the_point(point, other_point, operator):
    with pytest.raises(ValidationError) as exc:
        log(point, operator, purpose="suggestion")
    assert "department" in exc.value.message_dict
    foreign = Department.objects.create(point=other_point, name="别家")
    with pytest.raises(ValidationError):
        log(point, operator, purpose="suggestion", department=foreign)
    assert not Visit.objects.exists()


def test_praise_goes_to_the_praised_staff_member(point, operator):
    technician = make_staff(Role.TECHNICIAN, point=point).user
    call = log(point, operator, purpose="praise", praised_staff=technician)
    assert call.praised_staff == technician
    assert list(technician.praises.all()) == [call]


def test_praise_for_someone_of_another_point_is_refused(point, other_point, operator):
    stranger = make_staff(Role.TECHNICIAN, point=other_point).user
    with pytest.raises(ValidationError) as exc:
        log(point, operator, purpose="praise", praised_staff=stranger)
    assert "praised_staff" in exc.value.message_dict


def test_routing_fields_of_other_kinds_are_not_kept(point, operator):
    department = Department.objects.create(point=point, name="客服部")
    call = log(point, operator, purpose="inquiry", department=department, praised_staff=operator)
    assert call.department is None and call.praised_staff is None


def test_a_complaint_call_needs_the_customer(point, operator):
    with pytest.raises(ValidationError) as exc:
        log(point, operator, purpose="complaint")
    assert "customer" in exc.value.message_dict


def test_a_complaint_call_can_create_the_caller_as_customer(point, operator):
    call = log(
        point,
        operator,
        purpose="complaint",
        create_customer=True,
        contact_name="钱女士",
        contact_phone="139 0000 1111",
    )
    assert call.customer.name == "钱女士" and call.customer.phone == "+8613900001111"


@pytest.mark.parametrize("kind", ["repair_status", "technical", "inquiry"])
def test_other_call_kinds_are_logged_with_the_customer(point, operator, kind):
    customer = CustomerFactory(point=point)
    call = log(point, operator, purpose=kind, customer=customer)
    assert call.customer == customer and call.purpose == kind


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rings_to_answer": None}, "rings_to_answer"),
        ({"rings_to_answer": 0}, "rings_to_answer"),
        ({"rings_to_answer": None, "answer_seconds": 9999}, "answer_seconds"),
        ({"summary": "  "}, "summary"),
        ({"contact_phone": "12"}, "contact_phone"),
        ({"caller_kind": "alien"}, "caller_kind"),
        ({"purpose": "repair"}, "purpose"),
        ({"create_customer": True, "contact_phone": "13800001234"}, "contact_name"),
        ({"hold_log": "[{"}, "__all__"),
    ],
)
def test_bad_call_input_gives_a_field_error_and_saves_nothing(point, operator, changes, field):
    with pytest.raises(ValidationError) as exc:
        log(point, operator, **changes)
    assert field in exc.value.message_dict
    assert not Visit.objects.exists() and not Customer.objects.exists()


def test_a_customer_of_another_point_is_refused(point, other_point, operator):
    with pytest.raises(ValidationError) as exc:
        log(point, operator, customer=CustomerFactory(point=other_point))
    assert "customer" in exc.value.message_dict


def test_a_double_submitted_call_is_logged_once(point, operator):
    token = uuid.uuid4()
    first = log(point, operator, token=token)
    assert log(point, operator, token=token, summary="again") == first
    assert Visit.objects.count() == 1


def test_holds_are_counted_by_the_server_from_the_timer_log(point, operator):
    timer = [
        {"start": 10, "end": 40, "checks": [30]},
        {"start": 60, "end": 110, "checks": []},
    ]
    call = log(point, operator, hold_log=json.dumps(timer))
    assert (call.hold_count, call.hold_seconds, call.holds_checked_in_time) == (2, 80, 1)


def test_the_answer_time_is_when_the_call_screen_opened(point, operator):
    now = timezone.now()
    opened = now - dt.timedelta(minutes=4)
    call = log(point, operator, answered_at=opened, now=now)
    assert call.arrived_at == opened and call.finished_at == now
    future = log(point, operator, answered_at=now + dt.timedelta(hours=1), now=now)
    assert future.arrived_at == now


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.CALLBACK_CLERK])
def test_only_operators_desk_and_supervisors_log_calls(point, role):
    with pytest.raises(PermissionDenied):
        log(point, make_staff(role, point=point).user)


def test_a_regional_reader_cannot_log_calls(point):
    reader = make_staff(Role.REGIONAL_CENTER, region=point.region).user
    with pytest.raises(PermissionDenied):
        log(point, reader)


def _call_at(point, operator, local: dt.datetime, rings: int):
    Visit.objects.create(
        point=point,
        channel="hotline",
        purpose="inquiry",
        arrived_at=local.replace(tzinfo=SHANGHAI),
        rings_to_answer=rings,
        created_by=operator,
    )


def test_answering_share_per_local_day_and_per_operator(point, operator, staff_of):
    """DOMAIN 4: share answered within three rings, per day (Asia/Shanghai) and per operator."""
    other = make_staff(Role.HOTLINE, point=point).user
    _call_at(point, operator, dt.datetime(2026, 11, 20, 23, 59), 2)  # UTC 15:59 the 20th
    _call_at(point, operator, dt.datetime(2026, 11, 21, 0, 1), 4)  # UTC 16:01 the 20th
    _call_at(point, other, dt.datetime(2026, 11, 21, 7, 59), 3)  # UTC 23:59 the 20th
    _call_at(point, other, dt.datetime(2026, 11, 21, 8, 0), 5)  # UTC 00:00 the 21st
    supervisor = staff_of(Role.SUPERVISOR).user
    stats = answering_stats(user=supervisor, start=dt.date(2026, 11, 20), end=dt.date(2026, 11, 21))
    by_day = {row["day"]: (row["calls"], row["in_time_share"]) for row in stats["by_day"]}
    assert by_day == {dt.date(2026, 11, 20): (1, 100.0), dt.date(2026, 11, 21): (3, 33.3)}
    by_operator = {row["created_by_id"]: row["in_time_share"] for row in stats["by_operator"]}
    assert by_operator == {operator.pk: 50.0, other.pk: 50.0}
    assert stats["total"]["in_time_share"] == 50.0


def test_answering_share_follows_the_points_ring_limit(point, operator, staff_of):
    point.answer_within_rings = 4
    point.save()
    _call_at(point, operator, dt.datetime(2026, 11, 20, 10, 0), 4)
    stats = answering_stats(
        user=staff_of(Role.SUPERVISOR).user, start=dt.date(2026, 11, 20), end=dt.date(2026, 11, 20)
    )
    assert stats["total"]["in_time_share"] == 100.0


def test_answering_figures_stay_within_the_readers_points(point, other_point, operator, staff_of):
    _call_at(other_point, None, dt.datetime(2026, 11, 20, 10, 0), 9)
    stats = answering_stats(
        user=staff_of(Role.SUPERVISOR).user, start=dt.date(2026, 11, 20), end=dt.date(2026, 11, 20)
    )
    assert stats["total"]["calls"] == 0 and stats["by_day"] == []
