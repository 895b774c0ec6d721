from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development-only tools: the national data generator, the benchmark, the load run and the
    demo loader. Installed by the local and test settings (and in production only when
    ``SERVICEDESK_DEVTOOLS`` is set); no product module imports it."""

    name = "devtools"
    verbose_name = "Development tools"
