"""DOMAIN 2 step 3 / issue 3: the one search box stays index-backed at a million tickets.

Counting queries cannot show this: a search that scans the point's customers issues as few queries
as one that seeks. So each search is run for real, every statement it sent is explained by
PostgreSQL, and the plan must seek an index on the searched column (an ``Index Cond`` on it), never
scan the table. Sequential scans are priced out for the EXPLAIN so that a small test table cannot
hide a predicate no index can serve (it would still be planned as a scan)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake.models import Customer, Device
from intake.selectors import customer_search
from repairs.models import RepairTicket
from servicedesk.models import Role
from tests.factories import CustomerFactory, make_staff
from tests.opening import open_ticket

pytestmark = [pytest.mark.services]

N = 1000
SEARCHED_TABLES = {"intake_customer", "intake_device", "repairs_repairticket"}


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _plans_of_search(user, query: str) -> list[dict]:
    with CaptureQueriesContext(connection) as captured:
        list(customer_search(user=user, query=query))
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for statement in captured.captured_queries:
            if not statement["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + statement["sql"])
            raw = cursor.fetchone()[0]
            plans.append((json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"])
    return plans


def _assert_index_backed(plans: list[dict], table: str, column: str):
    nodes = [node for plan in plans for node in _nodes(plan)]
    scans = [n for n in nodes if n.get("Relation Name") in SEARCHED_TABLES]
    assert scans, "the search touched none of the searched tables"
    for node in scans:
        assert node["Node Type"] != "Seq Scan", f"sequential scan of {node['Relation Name']}"
    seeks = [
        n for n in nodes if n.get("Relation Name") == table and column in n.get("Index Cond", "")
    ]
    assert seeks, f"no index seek on {table}.{column}: {json.dumps(plans)[:2000]}"


@pytest.fixture
def searching(point, other_point):
    desk = make_staff(Role.FRONT_DESK, point=point).user
    customer = CustomerFactory(point=point, name="王小明", phone="+8613800001234")
    customer.alt_phone = "+8613900005678"
    customer.save()
    ticket = open_ticket(point, desk, customer)
    Device.objects.filter(pk=ticket.device_id).update(serial_number="SN-PLAN-1")
    # Enough rows at two points, each with a device and a ticket, that the statistics are real.
    created = ticket.created_at
    for p in (point, other_point):
        customers = Customer.objects.bulk_create(
            Customer(
                point=p, name=f"客户{n:05d}", phone=f"+86139{n:08d}", alt_phone=f"+86137{n:08d}"
            )
            for n in range(N)
        )
        devices = Device.objects.bulk_create(
            Device(point=p, customer=c, model_name="X100", imei=f"86{n:013d}")
            for n, c in enumerate(customers)
        )
        RepairTicket.objects.bulk_create(
            RepairTicket(
                point=p,
                number=f"{p.code}-{n + 10:06d}",
                sequence=n + 10,
                status=ticket.status,
                customer=c,
                device=d,
                fault_description="屏幕不亮",
                proof_of_purchase=ticket.proof_of_purchase,
                contact_phone=c.phone,
                backup_warning_given=True,
                warranty_status=ticket.warranty_status,
                warranty_reason=ticket.warranty_reason,
                created_by=desk,
                created_at=created,
            )
            for n, (c, d) in enumerate(zip(customers, devices, strict=True))
        )
    with connection.cursor() as cursor:
        for table in SEARCHED_TABLES:
            cursor.execute(f"ANALYZE {table}")
    return desk, customer, ticket


def test_phone_search_seeks_phone_and_alternative_phone_indexes(searching):
    desk, customer, _ = searching
    for number in ("13800001234", "13900005678"):
        assert [c.pk for c in customer_search(user=desk, query=number)] == [customer.pk]
    plans = _plans_of_search(desk, "13900005678")
    _assert_index_backed(plans, "intake_customer", "phone")
    _assert_index_backed(plans, "intake_customer", "alt_phone")


def test_imei_search_seeks_the_device_index(searching):
    desk, customer, ticket = searching
    imei = ticket.device.imei
    assert [c.pk for c in customer_search(user=desk, query=imei)] == [customer.pk]
    _assert_index_backed(_plans_of_search(desk, imei), "intake_device", "imei")


def test_ticket_number_search_seeks_the_ticket_index(searching):
    desk, customer, ticket = searching
    assert [c.pk for c in customer_search(user=desk, query=ticket.number)] == [customer.pk]
    _assert_index_backed(_plans_of_search(desk, ticket.number), "repairs_repairticket", "number")


def test_name_prefix_search_seeks_the_pattern_index(searching):
    desk, customer, _ = searching
    assert [c.pk for c in customer_search(user=desk, query="王小")] == [customer.pk]
    _assert_index_backed(_plans_of_search(desk, "王小"), "intake_customer", "name")


def test_serial_number_search_seeks_the_device_index(searching):
    desk, customer, _ = searching
    assert [c.pk for c in customer_search(user=desk, query="SN-PLAN-1")] == [customer.pk]
    _assert_index_backed(_plans_of_search(desk, "SN-PLAN-1"), "intake_device", "serial_number")


def _plans_of(call) -> list[dict]:
    with CaptureQueriesContext(connection) as captured:
        call()
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for statement in captured.captured_queries:
            if not statement["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + statement["sql"], statement.get("params"))
            raw = cursor.fetchone()[0]
            plans.append((json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"])
    return plans


@pytest.mark.parametrize("by", ["imei", "serial_number"])
def test_the_device_history_across_points_is_one_seek_on_the_identifier(searching, by):
    """Nationwide warranty: a device's records at every point, found by its IMEI (or serial)
    alone: a seek on the single-column index, not a walk of the (point, imei) index of every
    point, and the device's tickets by their device index."""
    from repairs.models import TicketStatus
    from repairs.selectors import device_facts_across_points

    desk, _customer, ticket = searching
    RepairTicket.objects.filter(pk=ticket.pk).update(status=TicketStatus.HANDED_OVER)
    device = ticket.device
    device.refresh_from_db()
    identity = {"imei": device.imei, "serial": ""}
    if by == "serial_number":
        Device.objects.filter(pk=device.pk).update(imei="", serial_number="SN-PLAN-1")
        identity = {"imei": "", "serial": "SN-PLAN-1"}

    def lookup():
        history = device_facts_across_points(
            user=desk, point=ticket.point, purpose="ticket_open", **identity
        )
        assert [f.ticket_id for f in history.facts] == [ticket.pk]

    plans = _plans_of(lookup)
    nodes = [node for plan in plans for node in _nodes(plan)]
    for node in nodes:
        assert node["Node Type"] != "Seq Scan", f"sequential scan of {node.get('Relation Name')}"
    wanted = "device_imei" if by == "imei" else "device_serial"
    seeks = [n for n in nodes if n.get("Index Name") == wanted and by in n.get("Index Cond", "")]
    assert seeks, json.dumps(plans)[:2000]
    indexes = {n["Index Name"] for n in nodes if "Index Name" in n}
    assert not indexes & {"device_point_imei", "device_point_serial"}, indexes
    # The device's tickets: by an index on their device (the foreign key's, or by creation).
    tickets = [n for n in nodes if "device_id" in n.get("Index Cond", "") and n is not seeks[0]]
    assert tickets, indexes
