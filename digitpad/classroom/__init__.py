"""The class session: the room draws on its phones, the presenter's network reads it.

No Qt here (an import-linter contract says so): :mod:`room` keeps the session's state
and reads drawings with the same stroke preparation and numpy predictor as the pad;
:mod:`journal` keeps every received digit on disk before a phone is told so;
:mod:`server` serves the participant page (``page/``) and its WebSocket with aiohttp in
a thread of its own. The window reaches all of it through ``window.class_session``.
"""
