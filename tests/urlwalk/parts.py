import uuid
from decimal import Decimal

from repairs.models import Part
from tests.factories import in_stock

PLAIN_URLS = {
    "repairs:stock_list",
    "repairs:stock_receive",
    "repairs:stock_adjust",
    "repairs:reorder_list",
    "repairs:reorder_csv",
}

OBJECT_URLS: dict = {}

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
}

GET_ONLY = {"repairs:stock_list", "repairs:reorder_list", "repairs:reorder_csv"}


def make_foreign(point, foreign):
    foreign["stock_part"] = in_stock(
        Part.objects.create(
            point=point, code=f"WALK-{point.code}", name="电池", price=Decimal("99")
        ),
        on_hand=2,
        reorder_level=5,
    )
