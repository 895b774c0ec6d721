from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """The top layer: each role's home page, the dashboard, staff statistics and the exports.
    It reads every domain app and is imported by none of them."""

    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from reporting import subscribers
        from servicedesk import navigation
        from servicedesk.models import SUPERVISING_ROLES, Role

        supervisors_and_region = SUPERVISING_ROLES | {Role.REGIONAL_CENTER}
        navigation.register("home", _("Workbench"), Role.values, order=0)
        navigation.register("reporting:dashboard", _("Dashboard"), supervisors_and_region, order=5)
        navigation.register(
            "reporting:staff_stats",
            _("Statistics"),
            supervisors_and_region,
            order=78,
            menu=[Role.REGIONAL_CENTER],
        )
        navigation.register(
            "reporting:export_list",
            _("Exports"),
            supervisors_and_region,
            order=75,
            menu=[Role.REGIONAL_CENTER],
        )
        navigation.register(
            "reporting:claim",
            _("Warranty claim"),
            supervisors_and_region,
            order=76,
            menu=[],  # under "More": the bar stays on one line at 1024 px
        )
        subscribers.subscribe()
