"""Local development: the zero-setup defaults (SQLite, file-system broker), DEBUG on."""

from .base import *
from .base import env

DEBUG = env.bool("DEBUG", default=True)
INSTALLED_APPS = [*INSTALLED_APPS, "devtools"]  # the demo loader, generator, benchmark
