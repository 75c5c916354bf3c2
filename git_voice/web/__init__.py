"""``git voice web``: a local page to review, listen to and record voice notes.

``server.py`` (the Starlette app, its guard and uvicorn), ``views.py`` (the pages
and the JSON calls), ``history.py`` (commits, diffs and notes read from git),
``templates/`` and ``static/`` (everything the page loads: nothing comes from the
network). Starlette and uvicorn are imported by this package only.
"""
