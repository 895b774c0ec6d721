import uuid
from decimal import Decimal

from parts.models import DefectivePart, Part, ReturnBatch, ReturnBatchStatus
from servicedesk.models import Role
from tests.factories import in_stock, make_staff
from tests.opening import open_ticket

PLAIN_URLS = {
    "repairs:stock_list",
    "repairs:stock_receive",
    "repairs:stock_adjust",
    "repairs:reorder_list",
    "repairs:reorder_csv",
    "repairs:defective_stock",
    "repairs:return_batch_list",
    "repairs:return_batch_create",
}

OBJECT_URLS: dict = {
    "repairs:return_batch_detail": lambda f: {"pk": f["batch_collected"].pk},
    "repairs:return_batch_print": lambda f: {"pk": f["batch_collected"].pk},
    "repairs:return_batch_pack": lambda f: {"pk": f["batch_collected"].pk},
    "repairs:return_batch_ship": lambda f: {"pk": f["batch_packed"].pk},
    "repairs:return_batch_receive": lambda f: {"pk": f["batch_shipped"].pk},
}

POSTS = {
    "repairs:stock_receive": lambda f: {
        "part": f["stock_part"].code,
        "quantity": "3",
        "reference": "DN-001",
        "token": str(uuid.uuid4()),
    },
    "repairs:stock_adjust": lambda f: {
        "part": f["stock_part"].code,
        "kind": "count",
        "quantity": "7",
        "reason": "月底盘点",
        "token": str(uuid.uuid4()),
    },
    "repairs:return_batch_create": lambda f: {"token": str(uuid.uuid4())},
    "repairs:return_batch_pack": lambda f: {},
    "repairs:return_batch_ship": lambda f: {
        "carrier": "顺丰速运",
        "tracking_number": "SF100200300",
    },
    "repairs:return_batch_receive": lambda f: {},
}

GET_ONLY = {
    "repairs:stock_list",
    "repairs:reorder_list",
    "repairs:reorder_csv",
    "repairs:defective_stock",
    "repairs:return_batch_list",
    "repairs:return_batch_detail",
    "repairs:return_batch_print",
}

#: The regional center of the point's region receives its batches (its one change of data).
ACTORS = {"repairs:return_batch_receive": lambda f: f["regional"]}


def make_foreign(point, foreign):
    foreign["stock_part"] = in_stock(
        Part.objects.create(
            point=point, code=f"WALK-{point.code}", name="电池", price=Decimal("99")
        ),
        on_hand=2,
        reorder_level=5,
    )
    # 旧件返还: a defective part waiting for a batch, and one batch in each state that moves on.
    ticket = open_ticket(
        point, make_staff(Role.FRONT_DESK, point=point).user, imei="", serial="SN-WALK-RETURN"
    )
    foreign["defective_piece"] = DefectivePart.objects.create(
        point=point, part=foreign["stock_part"], ticket=ticket
    )
    for n, status in enumerate(
        (ReturnBatchStatus.COLLECTED, ReturnBatchStatus.PACKED, ReturnBatchStatus.SHIPPED), 1
    ):
        shipped = status == ReturnBatchStatus.SHIPPED
        foreign[f"batch_{status}"] = ReturnBatch.objects.create(
            point=point,
            number=f"{point.code}-R{n:04d}",
            sequence=n,
            status=status,
            created_by=foreign["supervisor"],
            carrier="顺丰速运" if shipped else "",
            tracking_number="SF0001" if shipped else "",
        )
    DefectivePart.objects.create(
        point=point, part=foreign["stock_part"], ticket=ticket, batch=foreign["batch_collected"]
    )
    foreign["regional"] = make_staff(Role.REGIONAL_CENTER, region=point.region).user
