"""rules#parts (旧件返还): a part the brand wants back, replaced under warranty, goes into the
defective stock with its repair record; a return batch collects what waits, is packed, shipped
(carrier and tracking number) and received by the regional center of the point's region. Each
move checks role and state, is audited, and a second submit changes nothing."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from repairs.models import (
    DefectiveDevice,
    DefectivePart,
    DefectiveStatus,
    Part,
    PartStock,
    ReturnBatchStatus,
)
from repairs.services import PartLineInput
from repairs.services.returns import return_batch_create, return_batch_transition
from repairs.services.stock import AdjustKind, stock_adjust
from servicedesk.models import AuditLog, Role
from servicedesk.statemachine import TransitionRefused
from tests.factories import in_stock, make_staff
from tests.opening import open_ticket
from tests.tickets import move

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def people(staff_of, point):
    return {
        "desk": staff_of(Role.FRONT_DESK).user,
        "tech": staff_of(Role.TECHNICIAN).user,
        "boss": staff_of(Role.SUPERVISOR).user,
        "region": make_staff(Role.REGIONAL_CENTER, region=point.region).user,
    }


@pytest.fixture
def battery(point):
    return in_stock(
        Part.objects.create(
            point=point, code="BAT-1", name="电池", price=Decimal("120"), must_return=True
        ),
        on_hand=5,
    )


def repaired(point, people, part, *, quantity=1, warranty_days=100):
    """A ticket whose repair is done with ``quantity`` × ``part`` (in warranty at day 100)."""
    ticket = open_ticket(point, people["desk"], purchase_days_ago=warranty_days)
    move(ticket, people["tech"], "start_diagnosis")
    move(
        ticket,
        people["tech"],
        "diagnose",
        fault_confirmed="电池鼓包",
        parts=[PartLineInput(part.pk, quantity)],
    )
    if warranty_days > 365:
        move(ticket, people["desk"], "approve_quote", consent_kind="verbal")
    return move(ticket, people["tech"], "complete_repair", repair_method="更换电池")


def test_a_warranty_repairs_replaced_part_appears_in_the_next_return_batch(point, people, battery):
    ticket = repaired(point, people, battery, quantity=2)
    pieces = DefectivePart.objects.filter(ticket=ticket)
    assert pieces.count() == 2  # one row per piece, with its repair record
    assert {(p.point_id, p.part_id, p.batch_id) for p in pieces} == {(point.pk, battery.pk, None)}
    assert PartStock.objects.get(part=battery).defective == 2
    batch = return_batch_create(point=point, actor=people["boss"])
    assert batch.status == ReturnBatchStatus.COLLECTED
    assert batch.number == "BJ01-R0001"
    assert set(batch.pieces.values_list("ticket_id", flat=True)) == {ticket.pk}
    assert AuditLog.objects.filter(action="returns.batch_created", object_id=str(batch.pk)).exists()
    # The next batch takes only what came after.
    later = repaired(point, people, battery)
    second = return_batch_create(point=point, actor=people["tech"])
    assert list(second.pieces.values_list("ticket_id", flat=True)) == [later.pk]
    assert second.number == "BJ01-R0002"


def test_a_paid_repairs_part_and_a_part_not_returned_stay_out_of_the_defective_stock(
    point, people, battery
):
    repaired(point, people, battery, warranty_days=500)  # out of warranty: the customer's part
    glass = in_stock(Part.objects.create(point=point, code="G-1", name="后盖", price=Decimal("30")))
    repaired(point, people, glass)  # the brand does not want it back
    assert not DefectivePart.objects.exists()
    assert PartStock.objects.get(part=battery).defective == 0


def test_an_empty_return_batch_is_refused_with_a_message(point, people):
    with pytest.raises(ValidationError, match="Nothing waits to be returned"):
        return_batch_create(point=point, actor=people["boss"])


def test_the_same_batch_form_sent_twice_makes_one_batch(point, people, battery):
    repaired(point, people, battery)
    token = uuid.uuid4()
    first = return_batch_create(point=point, actor=people["boss"], token=token)
    again = return_batch_create(point=point, actor=people["boss"], token=token)
    assert first == again


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CALLBACK_CLERK, Role.HOTLINE])
def test_a_batch_is_made_only_by_those_who_keep_the_stock(role, point, people, battery, staff_of):
    repaired(point, people, battery)
    with pytest.raises(PermissionDenied):
        return_batch_create(point=point, actor=staff_of(role).user)


def test_a_batch_is_packed_shipped_and_received_by_the_regional_center(point, people, battery):
    ticket = repaired(point, people, battery)
    with time_machine.travel(NOW, tick=False):
        batch = return_batch_create(point=point, actor=people["boss"])
        batch = return_batch_transition(batch=batch, actor=people["tech"], action="pack")
        assert batch.status == ReturnBatchStatus.PACKED
        batch = return_batch_transition(
            batch=batch,
            actor=people["boss"],
            action="ship",
            carrier=" 顺丰速运 ",
            tracking_number="SF1234567890",
        )
    assert (batch.status, batch.carrier, batch.tracking_number) == (
        ReturnBatchStatus.SHIPPED,
        "顺丰速运",
        "SF1234567890",
    )
    assert batch.shipped_at == NOW and batch.shipped_by == people["boss"]
    # The shipped parts have left the point's defective stock.
    assert PartStock.objects.get(part=battery).defective == 0
    batch = return_batch_transition(batch=batch, actor=people["region"], action="receive")
    assert (batch.status, batch.received_by) == (ReturnBatchStatus.RECEIVED, people["region"])
    moves = AuditLog.objects.filter(action="returns.batch_moved", object_id=str(batch.pk))
    assert [m.detail["action"] for m in moves.order_by("pk")] == ["pack", "ship", "receive"]
    assert DefectivePart.objects.get(ticket=ticket).batch == batch


def test_shipping_needs_the_carrier_and_the_tracking_number(point, people, battery):
    repaired(point, people, battery)
    batch = return_batch_create(point=point, actor=people["boss"])
    batch = return_batch_transition(batch=batch, actor=people["boss"], action="pack")
    with pytest.raises(ValidationError) as refused:
        return_batch_transition(batch=batch, actor=people["boss"], action="ship", carrier="  ")
    assert set(refused.value.message_dict) == {"carrier", "tracking_number"}
    with pytest.raises(ValidationError) as refused:
        return_batch_transition(
            batch=batch,
            actor=people["boss"],
            action="ship",
            carrier="顺丰",
            tracking_number="9" * 65,
        )
    assert set(refused.value.message_dict) == {"tracking_number"}
    batch.refresh_from_db()
    assert batch.status == ReturnBatchStatus.PACKED


def test_each_move_only_from_its_state_and_by_its_role(point, people, battery):
    repaired(point, people, battery)
    batch = return_batch_create(point=point, actor=people["boss"])
    with pytest.raises(TransitionRefused):  # not packed yet
        return_batch_transition(
            batch=batch, actor=people["boss"], action="ship", carrier="顺丰", tracking_number="1"
        )
    with pytest.raises(PermissionDenied):  # the regional center only receives
        return_batch_transition(batch=batch, actor=people["region"], action="pack")
    with pytest.raises(PermissionDenied):  # the point does not receive its own batch
        return_batch_transition(batch=batch, actor=people["boss"], action="receive")
    return_batch_transition(batch=batch, actor=people["boss"], action="pack")
    with pytest.raises(TransitionRefused):  # packed twice: the second is refused
        return_batch_transition(batch=batch, actor=people["boss"], action="pack")
    with pytest.raises(TransitionRefused):  # not shipped yet
        return_batch_transition(batch=batch, actor=people["region"], action="receive")


def test_a_regional_center_of_another_region_cannot_receive_the_batch(point, people, battery):
    repaired(point, people, battery)
    batch = return_batch_create(point=point, actor=people["boss"])
    return_batch_transition(batch=batch, actor=people["boss"], action="pack")
    return_batch_transition(
        batch=batch, actor=people["boss"], action="ship", carrier="顺丰", tracking_number="SF1"
    )
    elsewhere = make_staff(Role.REGIONAL_CENTER).user  # a region of its own
    with pytest.raises(PermissionDenied):
        return_batch_transition(batch=batch, actor=elsewhere, action="receive")
    batch.refresh_from_db()
    assert batch.status == ReturnBatchStatus.SHIPPED


def test_faulty_devices_of_exchanges_go_back_in_the_batch_too(point, people):
    from tests.repairs.test_sanbao import EXCHANGE, diagnosed

    ticket = diagnosed(point, people, day=20)
    move(ticket, people["desk"], "exchange_device", **EXCHANGE)
    batch = return_batch_create(point=point, actor=people["boss"])
    device = DefectiveDevice.objects.get(ticket=ticket)
    assert device.batch == batch
    return_batch_transition(batch=batch, actor=people["boss"], action="pack")
    return_batch_transition(
        batch=batch, actor=people["boss"], action="ship", carrier="顺丰", tracking_number="SF2"
    )
    assert DefectiveDevice.objects.get(pk=device.pk).status == DefectiveStatus.IN_STOCK
    return_batch_transition(batch=batch, actor=people["region"], action="receive")
    assert DefectiveDevice.objects.get(pk=device.pk).status == DefectiveStatus.RETURNED_TO_BRAND


def test_pieces_for_the_brand_cannot_be_written_off_by_hand(point, people, battery):
    repaired(point, people, battery)
    with pytest.raises(ValidationError, match="go back to the brand in a batch"):
        stock_adjust(
            point=point,
            actor=people["boss"],
            part=battery,
            kind=AdjustKind.DEFECTIVE_OUT,
            quantity=1,
            reason="报废",
        )
