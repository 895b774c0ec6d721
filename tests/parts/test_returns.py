"""rules#parts (旧件返还), services and pages: a part the brand wants back, replaced under
warranty, goes into the defective stock with its repair record; a return batch collects what
waits, is packed, shipped (carrier and tracking number) and received by the regional center of
the point's region. Each move checks role and state, is audited, and a second submit changes
nothing; a refused form keeps what was typed."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from parts.models import (
    DefectiveDevice,
    DefectivePart,
    DefectiveStatus,
    Part,
    PartStock,
    ReturnBatch,
    ReturnBatchStatus,
)
from parts.services.returns import return_batch_create, return_batch_transition
from parts.services.stock import AdjustKind, stock_adjust
from repairs.actions import PartLineInput
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
    with pytest.raises(ValidationError, match="没有等待返还的旧件"):
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
    with pytest.raises(ValidationError, match="须随批次返还厂家"):
        stock_adjust(
            point=point,
            actor=people["boss"],
            part=battery,
            kind=AdjustKind.DEFECTIVE_OUT,
            quantity=1,
            reason="报废",
        )


# --- the pages, logged in per role ----------------------------------------------------------


def make_batch(client, user):
    client.force_login(user)
    response = client.post(reverse("repairs:return_batch_create"), {})
    assert response.status_code == 302
    return ReturnBatch.objects.latest("pk")


def test_the_defective_stock_shows_pieces_with_their_ticket_and_makes_a_batch(
    client, point, people, battery
):
    ticket = repaired(point, people, battery)
    client.force_login(people["tech"])
    page = client.get(reverse("repairs:defective_stock")).content.decode()
    assert ticket.number in page and "BAT-1" in page and 'data-testid="make-batch"' in page
    batch = make_batch(client, people["tech"])
    assert batch.pieces.count() == 1
    page = client.get(reverse("repairs:return_batch_detail", args=[batch.pk])).content.decode()
    assert batch.number in page and ticket.number in page


def test_an_empty_batch_is_refused_with_a_message_on_the_page(client, point, people):
    client.force_login(people["boss"])
    response = client.post(reverse("repairs:return_batch_create"), {})
    assert response.status_code == 200
    assert "没有等待返还的旧件" in response.content.decode()
    assert not ReturnBatch.objects.exists()


def test_the_desk_sees_the_defective_stock_but_makes_no_batch(client, point, people, battery):
    repaired(point, people, battery)
    client.force_login(people["desk"])
    page = client.get(reverse("repairs:defective_stock")).content.decode()
    assert 'data-testid="make-batch"' not in page
    assert client.post(reverse("repairs:return_batch_create"), {}).status_code == 403
    assert not ReturnBatch.objects.exists()


def test_a_refused_shipment_keeps_what_was_typed_and_says_why_beside_the_field(
    client, point, people, battery
):
    repaired(point, people, battery)
    batch = make_batch(client, people["boss"])
    client.post(reverse("repairs:return_batch_pack", args=[batch.pk]), {})
    response = client.post(
        reverse("repairs:return_batch_ship", args=[batch.pk]),
        {"carrier": "顺" * 65, "tracking_number": "SF777888999"},
    )
    assert response.status_code == 200
    form = response.context["ship_form"]
    assert set(form.errors) == {"carrier"}
    page = response.content.decode()
    assert 'value="SF777888999"' in page and "顺" * 65 in page
    batch.refresh_from_db()
    assert batch.status == ReturnBatchStatus.PACKED


def test_the_packing_list_prints_ticket_and_part_numbers_counts_and_signatures(
    client, point, people, battery
):
    ticket = repaired(point, people, battery, quantity=2)
    batch = make_batch(client, people["boss"])
    page = client.get(reverse("repairs:return_batch_print", args=[batch.pk])).content.decode()
    for text in (point.name, batch.number, ticket.number, "BAT-1", "电池", "装箱单", "签字"):
        assert text in page
    assert '<td class="num">2</td>' in page


def test_the_regional_center_receives_a_shipped_batch_of_its_region(client, point, people, battery):
    repaired(point, people, battery)
    batch = make_batch(client, people["boss"])
    client.post(reverse("repairs:return_batch_pack", args=[batch.pk]), {})
    client.post(
        reverse("repairs:return_batch_ship", args=[batch.pk]),
        {"carrier": "顺丰速运", "tracking_number": "SF1"},
    )
    url = reverse("repairs:return_batch_receive", args=[batch.pk])
    # The point cannot receive its own batch; another region's center does not see it.
    assert client.post(url, {}).status_code == 403
    client.force_login(make_staff(Role.REGIONAL_CENTER).user)
    assert client.post(url, {}).status_code == 404
    assert client.get(reverse("repairs:return_batch_detail", args=[batch.pk])).status_code == 404
    client.force_login(people["region"])
    page = client.get(reverse("repairs:return_batch_detail", args=[batch.pk])).content.decode()
    assert url in page
    assert client.post(url, {}).status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.received_by) == (ReturnBatchStatus.RECEIVED, people["region"])
    # Sent again: refused on the page, nothing changes.
    again = client.post(url, {})
    assert again.status_code == 200 and again.context["move_errors"]


def test_the_batch_list_filters_by_status(client, point, people, battery):
    repaired(point, people, battery)
    first = make_batch(client, people["boss"])
    client.post(reverse("repairs:return_batch_pack", args=[first.pk]), {})
    repaired(point, people, battery)
    second = make_batch(client, people["boss"])
    url = reverse("repairs:return_batch_list")
    links = [reverse("repairs:return_batch_detail", args=[b.pk]) for b in (first, second)]
    page = client.get(url, {"status": "packed"}).content.decode()
    assert links[0] in page and links[1] not in page
    page = client.get(url, {"status": "nonsense"}).content.decode()
    assert links[0] in page and links[1] in page


#: The session's user, the rows (one query each: pieces with ticket and part; batches with
#: their counts in subqueries), the pagination's count, and the devices for the defective page.
DEFECTIVE_STOCK_PAGE = 5
BATCH_LIST_PAGE = 4


@pytest.mark.parametrize("rows", [1, 20])
def test_the_return_pages_keep_their_query_count(
    rows, client, point, people, battery, django_assert_max_num_queries
):
    ticket = open_ticket(point, people["desk"])
    for _ in range(rows):
        DefectivePart.objects.create(point=point, part=battery, ticket=ticket)
        ReturnBatch.objects.create(
            point=point,
            number=f"BJ01-R{ReturnBatch.objects.count() + 1:04d}",
            sequence=ReturnBatch.objects.count() + 1,
            created_by=people["boss"],
        )
    DefectivePart.objects.filter(pk__in=DefectivePart.objects.values("pk")[:1]).update(
        batch=ReturnBatch.objects.first()
    )
    client.force_login(people["tech"])
    for url, ceiling in {
        reverse("repairs:defective_stock"): DEFECTIVE_STOCK_PAGE,
        reverse("repairs:return_batch_list"): BATCH_LIST_PAGE,
    }.items():
        assert client.get(url).status_code == 200
        with django_assert_max_num_queries(ceiling):
            assert client.get(url).status_code == 200


def test_the_regional_center_home_lists_shipped_batches_until_received(
    client, point, people, battery
):
    repaired(point, people, battery)
    batch = return_batch_create(point=point, actor=people["boss"])
    batch = return_batch_transition(batch=batch, actor=people["tech"], action="pack")

    def card_for(user):
        client.force_login(user)
        cards = {c.key: c for c in client.get(reverse("home")).context["cards"]}
        return cards["batches_to_receive"]

    assert card_for(people["region"]).count == 0  # packed, not yet on its way
    batch = return_batch_transition(
        batch=batch, actor=people["boss"], action="ship", carrier="顺丰速运", tracking_number="SF9"
    )
    card = card_for(people["region"])
    assert [i.label for i in card.items] == [f"{batch.number} · {point.name}"]
    assert "SF9" in card.items[0].detail
    # Another region's center sees nothing of it.
    assert card_for(make_staff(Role.REGIONAL_CENTER).user).count == 0
    return_batch_transition(batch=batch, actor=people["region"], action="receive")
    assert card_for(people["region"]).count == 0
