from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _waiting_for_supervisor(user) -> int:
    """The menu badge: escalated or overdue open complaints, plus compensation offers that wait
    for this user's approval."""
    from django.db.models import Q

    from complaints.selectors import complaint_queue, offers_awaiting_decision

    urgent = complaint_queue(user=user).filter(
        Q(overdue_since__isnull=False) | Q(escalated_at__isnull=False)
    )
    return urgent.count() + offers_awaiting_decision(user=user).count()


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from complaints import commands, subscribers, transitions
        from servicedesk import navigation
        from servicedesk.models import Role

        navigation.register(
            "complaints:queue",
            _("Complaints"),
            {Role.SUPERVISOR, Role.SERVICE_MANAGER, Role.REGIONAL_CENTER},
            order=50,
            badge=_waiting_for_supervisor,
        )
        navigation.register(
            "complaints:new",
            _("New complaint"),
            {Role.FRONT_DESK, Role.HOTLINE, Role.CALLBACK_CLERK},
            order=51,
        )
        subscribers.subscribe()
        # The complaint's machine takes its rows from the table of commands (see its docstring).
        transitions.MACHINE.load(commands.TRANSITIONS)
