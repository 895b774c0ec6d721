"""The audit log page: supervisors and managers read their points' entries, filtered and
paginated; nobody else reads it, and nobody can change it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from servicedesk import audit
from servicedesk.models import AuditLog, Role
from tests.factories import CustomerFactory, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(point, other_point, staff_of):
    desk = staff_of(Role.FRONT_DESK)
    other_desk = staff_of(Role.HOTLINE)
    mine = CustomerFactory(point=point, name="王小明")
    theirs = CustomerFactory(point=other_point, name="李外人")
    audit.audit_customer_phone_revealed(actor=desk.user, customer=mine)
    audit.audit_login(user=other_desk.user, ip_address="10.0.0.7")
    stranger = make_staff(Role.FRONT_DESK, point=other_point)
    audit.audit_customer_phone_revealed(actor=stranger.user, customer=theirs)
    return {"desk": desk, "other_desk": other_desk, "mine": mine, "theirs": theirs}


def page(client, **params):
    response = client.get(reverse("servicedesk:audit_list"), params)
    assert response.status_code == 200
    return response


def test_supervisor_reads_only_their_points_entries(client, staff_of, entries):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    listed = list(page(client).context["page"])
    assert {entry.action for entry in listed} == {"pii.phone_revealed", "auth.login"}
    assert all(entry.point_id == entries["desk"].point_id for entry in listed)


def test_the_log_keeps_no_customer_name(client, staff_of, entries):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    text = page(client).content.decode()
    assert "王小明" not in text and "李外人" not in text
    assert reverse("intake:customer_detail", args=[entries["mine"].pk]) in text


def test_filters_by_action_person_and_dates(client, staff_of, entries):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    by_action = page(client, action="pii.phone_revealed").context["page"]
    assert [e.actor_id for e in by_action] == [entries["desk"].user_id]
    by_actor = page(client, actor=entries["other_desk"].user_id).context["page"]
    assert [e.action for e in by_actor] == ["auth.login"]
    today = timezone.localdate()
    mine = AuditLog.objects.filter(point=entries["desk"].point).count()  # the login included
    assert len(page(client, date_from=today, date_to=today).context["page"]) == mine
    tomorrow = today + dt.timedelta(days=1)
    assert len(page(client, date_from=tomorrow).context["page"]) == 0
    bad = page(client, date_from=tomorrow, date_to=today)
    assert bad.context["form"].errors["date_to"]


def test_a_colleague_of_another_point_is_not_offered_as_a_filter(client, staff_of, entries):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    actors = page(client).context["form"].fields["actor"].queryset
    assert entries["desk"].user in actors
    assert not actors.filter(staff_profile__point=entries["theirs"].point).exists()


def test_pages_of_fifty_keep_the_filter(client, staff_of, point, django_assert_max_num_queries):
    supervisor = staff_of(Role.SUPERVISOR)
    for _ in range(60):
        audit.audit_login(user=supervisor.user, ip_address="10.0.0.1")
    client.force_login(supervisor.user)
    with django_assert_max_num_queries(12):
        first = page(client, action="auth.login")
    assert len(first.context["page"]) == 50
    assert "action=auth.login&amp;page=2" in first.content.decode()
    logins = AuditLog.objects.filter(point=point, action="auth.login").count()
    assert len(page(client, action="auth.login", page=2).context["page"]) == logins - 50


@pytest.mark.parametrize(
    "role",
    [Role.FRONT_DESK, Role.TECHNICIAN, Role.HOTLINE, Role.CALLBACK_CLERK, Role.REGIONAL_CENTER],
)
def test_other_roles_cannot_read_it(role, client, point, staff_of):
    user = (
        make_staff(role, region=point.region).user
        if role == Role.REGIONAL_CENTER
        else staff_of(role).user
    )
    client.force_login(user)
    assert client.get(reverse("servicedesk:audit_list")).status_code == 403


@pytest.mark.reliability(
    "Audit log tampering",
    "POST to the audit page; change and delete through the admin: refused",
)
def test_nobody_can_change_the_log_through_the_page_or_the_admin(
    client, staff_of, entries, admin_client
):
    client.force_login(staff_of(Role.SUPERVISOR).user)
    assert client.post(reverse("servicedesk:audit_list"), {"action": "x"}).status_code == 405
    entry = AuditLog.objects.first()
    change = reverse("admin:servicedesk_auditlog_change", args=[entry.pk])
    delete = reverse("admin:servicedesk_auditlog_delete", args=[entry.pk])
    admin_client.post(change, {"summary": "rewritten"})
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditLog.objects.get(pk=entry.pk).summary == entry.summary


def _row(point, **fields):
    return AuditLog.objects.create(point=point, **fields)


def test_the_log_names_objects_and_states_in_words_not_codes(point):
    """A return batch's move reads "旧件返还批次 #4 · BJ01-R0001: 已装箱 → 已发出", not
    "repairs.returnbatch #4" and "packed → shipped"."""
    moved = _row(
        point,
        action="returns.batch_moved",
        object_type="repairs.returnbatch",
        object_id="4",
        summary="BJ01-R0001: packed → shipped",
        detail={"batch": "BJ01-R0001", "action": "ship", "from": "packed", "to": "shipped"},
    )
    counted = _row(
        point,
        action="stock.adjusted",
        object_type="repairs.part",
        object_id="7",
        summary="PORT: defective_out",
        detail={"part": "PORT", "kind": "defective_out", "before": {}, "after": {}},
    )
    made = _row(
        point,
        action="returns.batch_created",
        object_type="parts.returnbatch",
        object_id="4",
        summary="BJ01-R0001: 3 + 1",
        detail={"batch": "BJ01-R0001", "pieces": 3, "devices": 1},
    )
    with translation.override("zh-hans"):
        assert audit.describe(made)["summary"] == "BJ01-R0001：旧件 3 件，设备 1 台"
        batch = audit.describe(moved)
        stock = audit.describe(counted)
    assert batch["object_label"] == "旧件返还批次 #4"
    assert batch["summary"] == "BJ01-R0001: 已装箱 → 已发出"
    assert "packed" not in str(stock["summary"]) and "defective_out" not in str(stock["summary"])
    assert "repairs.part" not in str(stock["object_label"])


def test_an_object_of_a_model_that_no_longer_exists_is_a_record_not_a_code(point):
    gone = _row(point, action="auth.login", object_type="oldapp.thing", object_id="3")
    with translation.override("zh-hans"):
        shown = audit.describe(gone)
    assert "oldapp" not in str(shown["object_label"])
