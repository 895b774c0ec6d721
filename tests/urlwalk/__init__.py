"""Registry for the tenant-isolation URL walk (tests/servicedesk/test_url_walk.py).

Each app has a module here with:
- ``PLAIN_URLS``: names of URL patterns that take no object id;
- ``OBJECT_URLS``: {url name: function(foreign) -> kwargs}, building the URL's arguments from
  ``foreign``, a dict of objects that belong to *another* service point;
- ``make_foreign(point, foreign)``: adds that app's objects of ``point`` to ``foreign``.

A URL pattern that no module lists makes the walk fail, so coverage cannot silently drop.
"""

import importlib
import pkgutil


def modules():
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
    ]
