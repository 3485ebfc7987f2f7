"""The domain: one module per capability. Plain Python over SQLAlchemy, never Qt.

Each public function does one user action on a session it is given (or reads), commits when
it writes, and returns a small result the CLI or a view can show.
"""
