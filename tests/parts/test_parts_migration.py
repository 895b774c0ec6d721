"""The spare parts' move to their own app keeps their tables and every row: parts, stock and a
ticket's part lines written before the migration are read by the new models, and the content
types (with the permissions given on them) stay the same rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from parts.models import Part, PartLine, PartStock
from parts.selectors import WAITING_PARTS
from parts.services.stock import OUT_OF_WARRANTY
from repairs.models import TicketStatus, WarrantyStatus
from servicedesk.models import Role
from tests.opening import open_ticket

#: Before the move: the parts still belong to repairs.
BEFORE = [("repairs", "0017_outbox_to_the_core"), ("parts", None)]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_parts_written_before_the_move_are_read_by_the_parts_app(point, staff_of):
    ticket = open_ticket(point, staff_of(Role.FRONT_DESK).user)
    content_type = ContentType.objects.get_for_model(Part)
    migrate(BEFORE)
    try:
        assert ContentType.objects.get(pk=content_type.pk).app_label == "repairs"
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO repairs_part (code, name, model_name, also_fits, price, must_return,"
                " is_active, point_id) VALUES ('SCR-1', '屏幕', '', '', 300.00, true, true, %s)"
                " RETURNING id",
                [point.pk],
            )
            (part_id,) = cursor.fetchone()
            cursor.execute(
                "INSERT INTO repairs_partstock (on_hand, reserved, defective, reorder_level,"
                " part_id, point_id) VALUES (5, 1, 0, 2, %s, %s)",
                [part_id, point.pk],
            )
            cursor.execute(
                "INSERT INTO repairs_partline (name, quantity, unit_price, reserved, consumed,"
                " part_id, ticket_id) VALUES ('屏幕', 1, 300.00, 1, 0, %s, %s)",
                [part_id, ticket.pk],
            )
    finally:
        migrate(None)

    part = Part.objects.get(pk=part_id)
    assert (part.point_id, part.code, part.must_return) == (point.pk, "SCR-1", True)
    stock = PartStock.objects.get(part=part)
    assert (stock.on_hand, stock.reserved, stock.free) == (5, 1, 4)
    line = PartLine.objects.get(ticket=ticket)
    assert (line.part_id, line.unit_price, line.short) == (part.pk, Decimal("300.00"), 0)
    assert [pl.pk for pl in ticket.part_lines.all()] == [line.pk]
    assert ContentType.objects.get(pk=content_type.pk).app_label == "parts"


def test_the_parts_app_names_the_ticket_states_it_reads_as_the_repairs_app_does():
    # The parts app sits below repairs and spells these two values itself.
    assert WAITING_PARTS == TicketStatus.WAITING_PARTS
    assert OUT_OF_WARRANTY == WarrantyStatus.OUT_OF_WARRANTY
