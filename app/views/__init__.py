"""The Qt views: main window, one package per area, Qt item models, dialogs.

Widgets never build SQL: they call the facilitation layer and show its results through Qt
item models. Every user-visible string goes through :func:`app.i18n._`.
"""
