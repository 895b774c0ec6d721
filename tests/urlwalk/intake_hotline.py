import uuid

from intake.models import Channel, Purpose, Visit
from servicedesk.models import Department

PLAIN_URLS = {
    "intake:call_screen",
    "intake:caller_lookup",
    "intake:call_log",
    "intake:answering",
    "intake:department_list",
}

OBJECT_URLS = {
    "intake:call_detail": lambda f: {"pk": f["call"].pk},
    "intake:department_detail": lambda f: {"pk": f["department"].pk},
}

POSTS = {
    "intake:call_screen": lambda f: {
        "token": str(uuid.uuid4()),
        "caller_kind": "customer",
        "purpose": "inquiry",
        "summary": "询问保修期",
        "rings_to_answer": "2",
    },
}

GET_ONLY = {
    "intake:caller_lookup",
    "intake:call_log",
    "intake:answering",
    "intake:department_list",
    "intake:call_detail",
    "intake:department_detail",
}


def make_foreign(point, foreign):
    foreign["call"] = Visit.objects.create(
        point=point, channel=Channel.HOTLINE, purpose=Purpose.INQUIRY, rings_to_answer=2
    )
    foreign["department"] = Department.objects.create(point=point, name="质量部")
