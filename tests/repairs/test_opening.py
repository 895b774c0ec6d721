"""Opening the repair record (DOMAIN 2 intake, DOMAIN 3 warranty) through ``repairs.services``."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from repairs import services
from repairs.models import RepairTicket, TicketStatus, WarrantyStatus
from servicedesk.models import AuditLog, Role
from tests.factories import CustomerFactory, ServicePointFactory, make_staff
from tests.opening import VALID_IMEI, open_ticket

pytestmark = pytest.mark.django_db


def test_ticket_numbers_are_sequential_per_point_and_readable(point, desk_user):
    first = open_ticket(point, desk_user)
    second = open_ticket(point, desk_user, imei="", serial="SN12345")
    assert (first.number, second.number) == (f"{point.code}-000001", f"{point.code}-000002")
    elsewhere = ServicePointFactory()
    other = open_ticket(elsewhere, make_staff(Role.FRONT_DESK, point=elsewhere).user)
    assert other.number == f"{elsewhere.code}-000001"


def test_the_warranty_decision_and_reason_are_stored_on_the_ticket(point, desk_user):
    ticket = open_ticket(point, desk_user, purchase_days_ago=20)
    assert ticket.warranty_status == WarrantyStatus.EXCHANGE
    assert ticket.warranty_reason == "exchange_period" and "20" in ticket.warranty_reason_text


def test_a_double_submitted_form_opens_one_ticket(point, desk_user):
    token = uuid.uuid4()
    customer = CustomerFactory(point=point)
    first = open_ticket(point, desk_user, customer, token=token)
    again = open_ticket(point, desk_user, customer, token=token)
    assert first.pk == again.pk and RepairTicket.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"imei": "490154203237519"}, "imei"),  # Luhn check digit wrong
        ({"imei": "12345"}, "imei"),
        ({"imei": "", "serial": ""}, "imei"),
        ({"fault_description": "   "}, "fault_description"),
        ({"backup_warning_given": False}, "backup_warning_given"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"purchase_days_ago": -3}, "purchase_date"),
    ],
)
def test_bad_intake_input_gives_a_field_error_and_saves_nothing(changes, field, point, desk_user):
    with pytest.raises(ValidationError) as exc:
        open_ticket(point, desk_user, **changes)
    assert field in exc.value.message_dict
    assert not RepairTicket.objects.exists()


def test_a_device_back_within_90_days_is_a_repeat_repair(point, desk_user):
    now = timezone.now()
    earlier = open_ticket(point, desk_user, now=now - dt.timedelta(days=40))
    RepairTicket.objects.filter(pk=earlier.pk).update(
        status=TicketStatus.HANDED_OVER, handed_over_at=now - dt.timedelta(days=35)
    )
    again = open_ticket(point, desk_user, now=now)
    assert again.repeat_of == earlier and again.repeat_count == 1


def test_a_device_back_after_the_window_is_not_a_repeat(point, desk_user):
    now = timezone.now()
    earlier = open_ticket(point, desk_user, now=now - dt.timedelta(days=120))
    RepairTicket.objects.filter(pk=earlier.pk).update(
        status=TicketStatus.HANDED_OVER, handed_over_at=now - dt.timedelta(days=91)
    )
    assert open_ticket(point, desk_user, now=now).repeat_of is None


def test_the_second_repeat_shows_the_exchange_entitlement(point, desk_user):
    now = timezone.now()
    for days in (60, 30):
        ticket = open_ticket(point, desk_user, now=now - dt.timedelta(days=days + 2))
        RepairTicket.objects.filter(pk=ticket.pk).update(
            status=TicketStatus.HANDED_OVER, handed_over_at=now - dt.timedelta(days=days)
        )
    third = open_ticket(point, desk_user, now=now)
    assert third.repeat_count == 2
    assert services.repeat_check(
        point=point, imei=VALID_IMEI, serial="", user=desk_user, now=now
    ).exchange_entitled


def test_front_desk_with_an_expired_certificate_cannot_open_tickets(point, staff_of):
    expired = staff_of(
        Role.FRONT_DESK, certificate_expires=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(PermissionDenied):
        open_ticket(point, expired.user)


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.CALLBACK_CLERK])
def test_other_roles_cannot_open_tickets(role, point, staff_of):
    with pytest.raises(PermissionDenied):
        open_ticket(point, staff_of(role).user)


def test_only_a_supervisor_overrides_the_warranty_decision_with_a_reason(
    point, desk_user, staff_of
):
    ticket = open_ticket(point, desk_user, purchase_days_ago=400)
    with pytest.raises(PermissionDenied):
        services.ticket_warranty_override(
            ticket=ticket,
            actor=desk_user,
            status=WarrantyStatus.FREE_REPAIR,
            reason="x",
            version=ticket.version,
        )
    supervisor = staff_of(Role.SUPERVISOR).user
    with pytest.raises(ValidationError):
        services.ticket_warranty_override(
            ticket=ticket,
            actor=supervisor,
            status=WarrantyStatus.FREE_REPAIR,
            reason=" ",
            version=ticket.version,
        )
    done = services.ticket_warranty_override(
        ticket=ticket,
        actor=supervisor,
        status=WarrantyStatus.FREE_REPAIR,
        reason="发票日期有误，以保修卡为准",
        version=ticket.version,
    )
    assert done.warranty_status == WarrantyStatus.FREE_REPAIR
    assert done.warranty_overridden_by == supervisor
    assert (
        AuditLog.objects.get(action="ticket.warranty_overridden").detail["before"]
        == "out_of_warranty"
    )


def test_intake_preview_shows_the_repeat_and_every_earlier_ticket_before_saving(point, desk_user):
    """DOMAIN 2 repeat repairs: flagged at intake, with links to the earlier tickets."""
    now = timezone.now()
    earlier = []
    for days in (60, 30):
        ticket = open_ticket(point, desk_user, now=now - dt.timedelta(days=days + 2))
        RepairTicket.objects.filter(pk=ticket.pk).update(
            status=TicketStatus.HANDED_OVER, handed_over_at=now - dt.timedelta(days=days)
        )
        earlier.append(ticket)
    count = RepairTicket.objects.count()
    preview = services.intake_preview(
        point=point,
        user=desk_user,
        imei=f"{VALID_IMEI[:5]} {VALID_IMEI[5:]}",
        serial="",
        purchase_date=timezone.localdate(now) - dt.timedelta(days=100),
        proof="invoice",
        now=now,
    )
    assert [t.ticket_id for t in preview.repeat.earlier] == [earlier[1].pk, earlier[0].pk]
    assert preview.repeat.exchange_entitled
    assert preview.decision.status == "free_repair"
    assert RepairTicket.objects.count() == count  # nothing saved


def test_intake_preview_ignores_a_repair_not_yet_handed_over_at_that_time(point, desk_user):
    now = timezone.now()
    ticket = open_ticket(point, desk_user, now=now - dt.timedelta(days=5))
    RepairTicket.objects.filter(pk=ticket.pk).update(
        status=TicketStatus.HANDED_OVER, handed_over_at=now + dt.timedelta(days=1)
    )
    preview = services.intake_preview(
        point=point,
        user=desk_user,
        imei=VALID_IMEI,
        serial="",
        purchase_date=None,
        proof="",
        now=now,
    )
    assert preview.repeat.earlier == () and preview.decision is None


def test_intake_preview_without_proof_decides_out_of_warranty(point):
    """DOMAIN 3: no invoice or warranty card, no warranty."""
    preview = services.intake_preview(
        point=point, user=None, imei="not-an-imei", serial="", purchase_date=None, proof="none"
    )
    assert preview.decision.status == "out_of_warranty"
    assert preview.decision.reason_code == "no_proof"
    assert preview.repeat.earlier == ()


def test_intake_token_is_looked_up_only_at_the_point(point, other_point, desk_user, staff_of):
    token = uuid.uuid4()
    mine = open_ticket(point, desk_user, token=token)
    other_desk = make_staff(Role.FRONT_DESK, point=other_point).user
    with pytest.raises(ValidationError):
        open_ticket(other_point, other_desk, token=token)
    assert RepairTicket.objects.filter(point=other_point).count() == 0
    assert open_ticket(point, desk_user, token=token) == mine


def test_the_warranty_override_stands_on_the_ticket_timeline(point, desk_user, staff_of):
    from repairs.models import TicketEvent

    ticket = open_ticket(point, desk_user, purchase_days_ago=500)
    supervisor = staff_of(Role.SUPERVISOR).user
    services.ticket_warranty_override(
        ticket=ticket,
        actor=supervisor,
        status=WarrantyStatus.FREE_REPAIR,
        reason="品牌质量部确认为批次问题",
        version=ticket.version,
    )
    event = TicketEvent.objects.get(ticket=ticket, action="override_warranty")
    assert event.actor == supervisor
    assert "品牌质量部确认为批次问题" in event.note
    assert str(event.action_label) != "override_warranty"
