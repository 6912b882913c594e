import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jubao.settings")
application = get_wsgi_application()

# Load every URL pattern and view now rather than on the first request, then take everything loaded
# so far out of the cyclic garbage collector's view: a full collection then walks only what requests
# create, instead of pausing a worker for tens of milliseconds every so often.
get_resolver().url_patterns  # noqa: B018 - the attribute loads the URL configuration
gc.collect()
gc.freeze()
