"""DOMAIN 5 complaint rules: stages, promised replies, escalation, compensation, aftercare."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from complaints import services
from complaints.models import ComplaintCategory, ContactKind, DifficultType, OfferStatus, Stage
from complaints.services import ComplaintError
from complaints.tasks import escalate_missed_promises_task
from servicedesk.models import AuditLog, Role
from tests.factories import CustomerFactory, make_staff

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def later(hours):
    return T0 + dt.timedelta(hours=hours)


@pytest.fixture
def owner(staff_of):
    return staff_of(Role.HOTLINE)


@pytest.fixture
def supervisor(staff_of):
    return staff_of(Role.SUPERVISOR)


@pytest.fixture
def complaint(point, owner):
    with time_machine.travel(T0, tick=False):
        return services.complaint_open(
            point=point,
            actor=owner.user,
            customer=CustomerFactory(point=point),
            channel="hotline",
            source="call",
            summary="屏幕修好后又出现闪屏",
            promised_reply_at=later(4),
        )


def walk_to_proposed(complaint, user):
    with time_machine.travel(T0, tick=False):
        services.complaint_clarify(
            complaint=complaint,
            actor=user,
            data=services.ClarifyInput(
                restatement="您的意思是维修后两天又闪屏",
                customer_confirmed=True,
                promised_reply_at=later(4),
            ),
        )
        return services.complaint_propose(
            complaint=complaint,
            actor=user,
            data=services.ProposeInput(
                options=("免费返修", "退还维修费"),
                chosen_option="免费返修",
                promised_reply_at=later(5),
            ),
        )


def test_default_categories_and_difficult_types_are_data():
    assert ComplaintCategory.objects.filter(name="服务态度").exists()
    assert ComplaintCategory.objects.count() == 8
    assert DifficultType.objects.count() == 5
    assert DifficultType.objects.get(code="furious").guidance


def test_first_responder_owns_the_complaint_and_it_starts_received(complaint, owner):
    assert complaint.owner == owner.user
    assert complaint.stage == Stage.RECEIVED
    assert complaint.contacts.get().kind == ContactKind.OPENED


def test_open_refuses_another_points_customer(point, other_point, owner):
    with pytest.raises(ValidationError) as exc:
        services.complaint_open(
            point=point,
            actor=owner.user,
            customer=CustomerFactory(point=other_point),
            channel="hotline",
            source="call",
            summary="x",
            promised_reply_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=4),
        )
    assert "customer" in exc.value.message_dict


def test_clarification_needs_restatement_confirmed_by_customer(complaint, owner):
    with pytest.raises(ValidationError) as exc:
        services.complaint_clarify(
            complaint=complaint,
            actor=owner.user,
            data=services.ClarifyInput(
                restatement="复述", customer_confirmed=False, promised_reply_at=later(100000)
            ),
        )
    assert "customer_confirmed" in exc.value.message_dict
    complaint.refresh_from_db()
    assert complaint.stage == Stage.RECEIVED


def test_leaving_a_complaint_unresolved_needs_a_promised_reply_time(complaint, owner):
    with pytest.raises(ValidationError) as exc:
        services.complaint_clarify(
            complaint=complaint,
            actor=owner.user,
            data=services.ClarifyInput(restatement="复述", customer_confirmed=True),
        )
    assert "promised_reply_at" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.log_contact(complaint=complaint, actor=owner.user, note="进展告知")


def test_every_stage_in_order_then_closed(complaint, owner, supervisor):
    walk_to_proposed(complaint, owner.user)
    complaint.refresh_from_db()
    assert complaint.stage == Stage.PROPOSED
    assert complaint.options == ["免费返修", "退还维修费"]
    assert complaint.chosen_option == "免费返修"
    with time_machine.travel(later(1), tick=False):
        services.complaint_resolve(
            complaint=complaint,
            actor=owner.user,
            data=services.ResolveInput(resolution="已免费返修"),
        )
    complaint.refresh_from_db()
    assert complaint.stage == Stage.RESOLVED and complaint.promised_reply_at is None
    services.complaint_follow_up(
        complaint=complaint, actor=supervisor.user, data=services.NoteInput(note="满意")
    )
    services.complaint_close(complaint=complaint, actor=supervisor.user, data=services.NoteInput())
    complaint.refresh_from_db()
    assert complaint.stage == Stage.CLOSED and complaint.closed_at
    kinds = list(complaint.contacts.values_list("kind", flat=True))
    assert kinds.count(ContactKind.STAGE) == 5


def test_stages_cannot_be_skipped(complaint, owner):
    with pytest.raises(ComplaintError):
        services.complaint_resolve(
            complaint=complaint, actor=owner.user, data=services.ResolveInput(resolution="x")
        )
    with pytest.raises(ComplaintError):
        services.complaint_close(complaint=complaint, actor=owner.user, data=services.NoteInput())


def test_only_owner_or_supervisor_moves_a_complaint(complaint, staff_of):
    other = staff_of(Role.FRONT_DESK)
    with pytest.raises(ComplaintError):
        services.complaint_clarify(
            complaint=complaint,
            actor=other.user,
            data=services.ClarifyInput(
                restatement="x", customer_confirmed=True, promised_reply_at=later(100000)
            ),
        )


def test_resolving_needs_the_customers_choice(complaint, owner):
    with time_machine.travel(T0, tick=False):
        services.complaint_clarify(
            complaint=complaint,
            actor=owner.user,
            data=services.ClarifyInput(
                restatement="复述", customer_confirmed=True, promised_reply_at=later(4)
            ),
        )
        services.complaint_propose(
            complaint=complaint,
            actor=owner.user,
            data=services.ProposeInput(options=("A", "B"), promised_reply_at=later(4)),
        )
        with pytest.raises(ValidationError):
            services.complaint_resolve(
                complaint=complaint, actor=owner.user, data=services.ResolveInput(resolution="done")
            )


def test_special_attention_starts_the_day_after_resolution_in_local_time(complaint, owner):
    walk_to_proposed(complaint, owner.user)
    # 17:30 UTC on the 2nd is 01:30 on the 3rd in Shanghai: resolved the 3rd, marked from the 4th.
    with time_machine.travel(dt.datetime(2026, 3, 2, 17, 30, tzinfo=dt.UTC), tick=False):
        services.complaint_resolve(
            complaint=complaint, actor=owner.user, data=services.ResolveInput(resolution="ok")
        )
    customer = complaint.customer
    customer.refresh_from_db()
    assert customer.has_complained is True
    assert customer.special_attention_since == dt.date(2026, 3, 4)
    complaint.refresh_from_db()
    assert complaint.callback_due_on == dt.date(2026, 3, 3) + dt.timedelta(
        days=complaint.point.complaint_callback_days
    )
    from followups.models import Callback

    assert Callback.objects.filter(customer=customer, kind="complaint").count() == 1


def test_complaint_callback_days_is_a_point_setting(complaint, owner, point):
    point.complaint_callback_days = 2
    point.save()
    walk_to_proposed(complaint, owner.user)
    with time_machine.travel(later(2), tick=False):
        services.complaint_resolve(
            complaint=complaint, actor=owner.user, data=services.ResolveInput(resolution="ok")
        )
    complaint.refresh_from_db()
    assert complaint.callback_due_on == dt.date(2026, 3, 4)


@pytest.mark.reliability(
    "Beat runs a periodic task twice",
    "the missed-promise scanner run twice: one escalation",
)
def test_missed_promise_escalates_once_even_if_beat_runs_twice(complaint, supervisor):
    with time_machine.travel(later(3), tick=False):
        assert escalate_missed_promises_task() == 0
    with time_machine.travel(later(5), tick=False):
        assert escalate_missed_promises_task() == 1
        assert escalate_missed_promises_task() == 0
    complaint.refresh_from_db()
    assert complaint.overdue_since == later(5)
    assert complaint.escalated_at == later(5)
    assert complaint.escalated_to == supervisor.user
    assert complaint.contacts.filter(kind=ContactKind.ESCALATION).count() == 1


def test_a_new_promise_clears_overdue(complaint, owner, supervisor):
    with time_machine.travel(later(5), tick=False):
        escalate_missed_promises_task()
        services.log_contact(
            complaint=complaint, actor=owner.user, note="已告知进展", promised_reply_at=later(8)
        )
    complaint.refresh_from_db()
    assert complaint.overdue_since is None and complaint.promised_reply_at == later(8)


def test_escalation_and_supervisor_decision_are_recorded(complaint, owner, supervisor):
    services.escalate(complaint=complaint, actor=owner.user, note="超出权限")
    with pytest.raises(ComplaintError):
        services.record_decision(complaint=complaint, actor=owner.user, decision="x")
    services.record_decision(complaint=complaint, actor=supervisor.user, decision="同意退款")
    complaint.refresh_from_db()
    assert complaint.escalated_to == supervisor.user
    assert complaint.supervisor_decision == "同意退款"


def test_ownership_transfer_is_explicit_and_audited(complaint, owner, staff_of, other_point):
    colleague = staff_of(Role.FRONT_DESK)
    services.transfer_ownership(complaint=complaint, actor=owner.user, new_owner=colleague.user)
    complaint.refresh_from_db()
    assert complaint.owner == colleague.user
    assert complaint.contacts.filter(kind=ContactKind.TRANSFER).exists()
    assert AuditLog.objects.filter(action="complaint.reassigned").exists()
    stranger = make_staff(Role.FRONT_DESK, point=other_point)
    with pytest.raises(ValidationError):
        services.transfer_ownership(
            complaint=complaint, actor=colleague.user, new_owner=stranger.user
        )


@pytest.mark.parametrize(
    ("role", "amount", "status", "needs"),
    [
        (Role.HOTLINE, "0", OfferStatus.APPROVED, ""),
        (Role.HOTLINE, "1", OfferStatus.PENDING, Role.SUPERVISOR),
        (Role.FRONT_DESK, "50", OfferStatus.PENDING, Role.SUPERVISOR),
        (Role.HOTLINE, "500", OfferStatus.PENDING, Role.SERVICE_MANAGER),
        (Role.SUPERVISOR, "200", OfferStatus.APPROVED, ""),
        (Role.SUPERVISOR, "201", OfferStatus.PENDING, Role.SERVICE_MANAGER),
        (Role.SERVICE_MANAGER, "1000", OfferStatus.APPROVED, ""),
        (Role.SERVICE_MANAGER, "1000.01", OfferStatus.PENDING, Role.ADMIN),
    ],
)
def test_compensation_limits_per_role(point, staff_of, role, amount, status, needs):
    actor = staff_of(role)
    complaint = services.complaint_open(
        point=point,
        actor=actor.user,
        customer=CustomerFactory(point=point),
        channel="walk_in",
        source="visit",
        summary="投诉",
        promised_reply_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=4),
    )
    offer = services.offer_compensation(
        complaint=complaint, actor=actor.user, amount=Decimal(amount), description="补偿"
    )
    assert offer.status == status
    assert offer.needs_role == needs


def test_limits_come_from_the_point(complaint, owner, point):
    point.compensation_limit_hotline = Decimal("30")
    point.save()
    offer = services.offer_compensation(
        complaint=complaint, actor=owner.user, amount=Decimal("30"), description="话费"
    )
    assert offer.status == OfferStatus.APPROVED


def test_pending_compensation_is_approved_by_the_next_level_and_audited(
    complaint, owner, supervisor
):
    offer = services.offer_compensation(
        complaint=complaint, actor=owner.user, amount=Decimal("100"), description="赠送保护膜"
    )
    with pytest.raises(ComplaintError):
        services.decide_compensation(offer=offer, actor=owner.user, approve=True)
    services.decide_compensation(offer=offer, actor=supervisor.user, approve=True)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.APPROVED and offer.decided_by == supervisor.user
    assert AuditLog.objects.filter(action="complaint.compensation_decided").count() == 1
    with pytest.raises(ComplaintError):
        services.decide_compensation(offer=offer, actor=supervisor.user, approve=False)


def test_supervisor_cannot_approve_above_own_limit(complaint, owner, supervisor, staff_of):
    offer = services.offer_compensation(
        complaint=complaint, actor=owner.user, amount=Decimal("600"), description="退款"
    )
    with pytest.raises(ComplaintError):
        services.decide_compensation(offer=offer, actor=supervisor.user, approve=True)
    manager = staff_of(Role.SERVICE_MANAGER)
    services.decide_compensation(offer=offer, actor=manager.user, approve=False)
    offer.refresh_from_db()
    assert offer.status == OfferStatus.REFUSED


def test_demo_data_is_idempotent(point, staff_of):
    from complaints.demo import load_demo_data
    from complaints.models import Complaint

    CustomerFactory(point=point)
    staff = {Role.HOTLINE: staff_of(Role.HOTLINE).user}
    staff_of(Role.SUPERVISOR)
    load_demo_data(point=point, staff=staff, today=dt.date(2026, 3, 2))
    load_demo_data(point=point, staff=staff, today=dt.date(2026, 3, 2))
    assert Complaint.objects.count() == 5
    assert Complaint.objects.filter(overdue_since__isnull=False).count() == 1
    assert Complaint.objects.filter(escalated_at__isnull=False).count() == 2
