"""Translated labels for the codes stored in the data (stakeholder types, phases…)."""

from __future__ import annotations

from app.i18n import N_, _

_STAKEHOLDER_TYPES = {
    "resident": N_("Resident"),
    "association": N_("Association"),
    "elected": N_("Elected representative"),
    "staff": N_("Municipal staff"),
    "shopkeeper": N_("Shopkeeper"),
    "business": N_("Business"),
    "youth": N_("Young person"),
    "other": N_("Other"),
}

_PHASES = {
    "co_prioritise": N_("Co-prioritise"),
    "co_design": N_("Co-design"),
    "co_deliver": N_("Co-deliver"),
    "co_evaluate": N_("Co-evaluate"),
}

_MINUTES_STATUSES = {
    "draft": N_("Draft"),
    "circulated": N_("Circulated"),
    "validated": N_("Validated"),
}


def stakeholder_type(code: str) -> str:
    return _(_STAKEHOLDER_TYPES.get(code, code))


def phase(code: str) -> str:
    return _(_PHASES.get(code, code))


def minutes_status(code: str) -> str:
    return _(_MINUTES_STATUSES.get(code, code))
