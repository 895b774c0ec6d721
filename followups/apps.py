from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _callbacks_due(user) -> int:
    """The menu badge: callbacks in the queue now (due, in calling hours)."""
    from followups.selectors import callback_queue

    return callback_queue(user=user).count()


class FollowupsConfig(AppConfig):
    name = "followups"
    verbose_name = _("Follow-up callbacks")

    def ready(self):
        from followups import subscribers
        from servicedesk import navigation
        from servicedesk.models import Role

        navigation.register(
            "followups:queue",
            _("Callbacks"),
            [Role.CALLBACK_CLERK, Role.SUPERVISOR, Role.SERVICE_MANAGER, Role.REGIONAL_CENTER],
            order=40,
            badge=_callbacks_due,
        )
        navigation.register(
            "followups:report_list",
            _("Callback reports"),
            [Role.SUPERVISOR, Role.SERVICE_MANAGER, Role.REGIONAL_CENTER],
            order=70,
            menu=[],
        )
        subscribers.subscribe()
