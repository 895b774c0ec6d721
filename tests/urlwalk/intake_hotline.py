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


def make_foreign(point, foreign):
    foreign["call"] = Visit.objects.create(
        point=point, channel=Channel.HOTLINE, purpose=Purpose.INQUIRY, rings_to_answer=2
    )
    foreign["department"] = Department.objects.create(point=point, name="质量部")
