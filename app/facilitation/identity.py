"""The workspace's identity on paper: the municipality's name and logo in document headers.

Stored as key/value rows of ``workspace_meta`` ("identity.name", "identity.logo" as base64 of
the PNG or JPEG bytes). Without a name typed, the first municipality among the organisations
is used, then the first organisation.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import audit
from app.i18n import _
from app.models import Organisation, WorkspaceMeta

NAME_KEY = "identity.name"
LOGO_KEY = "identity.logo"
#: The largest logo accepted, in bytes.
MAX_LOGO_BYTES = 1024 * 1024
MAX_NAME_LENGTH = 200

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


@dataclass(frozen=True)
class Identity:
    #: The name printed in headers (typed, or the municipality's).
    name: str
    #: The PNG or JPEG bytes of the logo, or None.
    logo: bytes | None = None
    #: The name was typed in Settings > Identity (not taken from the organisations).
    name_typed: bool = False

    @property
    def logo_format(self) -> str | None:
        return logo_format(self.logo) if self.logo else None


def logo_format(data: bytes) -> str | None:
    """ "png" or "jpeg" from the first bytes, None for anything else."""
    if data.startswith(_PNG):
        return "png"
    if data.startswith(_JPEG):
        return "jpeg"
    return None


def check_logo(data: bytes) -> str:
    """The logo's format, or an error explaining why it cannot be used."""
    if not data:
        raise AtelierError(_("The logo file is empty."))
    if len(data) > MAX_LOGO_BYTES:
        raise AtelierError(
            _("The logo is {size} KB; the largest accepted is {max} KB.").format(
                size=(len(data) + 1023) // 1024, max=MAX_LOGO_BYTES // 1024
            )
        )
    kind = logo_format(data)
    if kind is None:
        raise AtelierError(_("The logo must be a PNG or JPEG image."))
    try:
        from PIL import Image  # installed with reportlab

        with Image.open(io.BytesIO(data)) as image:
            image.load()
            width, height = image.size
    except Exception as exc:  # any decoding failure means the file is damaged
        raise AtelierError(_("The logo image cannot be read; it may be damaged.")) from exc
    if width < 1 or height < 1:
        raise AtelierError(_("The logo image cannot be read; it may be damaged."))
    return kind


def _meta(session: Session) -> dict[str, str]:
    rows = session.execute(
        select(WorkspaceMeta.key, WorkspaceMeta.value).where(
            WorkspaceMeta.key.in_((NAME_KEY, LOGO_KEY))
        )
    ).all()
    return dict(rows)


def default_name(session: Session) -> str:
    """The first municipality's name, else the first organisation's, else ""."""
    rows = session.execute(
        select(Organisation.name, Organisation.kind).order_by(
            Organisation.created_at, Organisation.name
        )
    ).all()
    for name, kind in rows:
        if kind == "municipality":
            return name
    return rows[0][0] if rows else ""


def get_identity(session: Session) -> Identity:
    meta = _meta(session)
    logo = None
    if meta.get(LOGO_KEY):
        try:
            logo = base64.b64decode(meta[LOGO_KEY], validate=True)
        except (binascii.Error, ValueError):
            logo = None  # a damaged value prints no logo rather than failing every document
    typed = (meta.get(NAME_KEY) or "").strip()
    return Identity(name=typed or default_name(session), logo=logo, name_typed=bool(typed))


def _put(session: Session, key: str, value: str | None) -> None:
    row = session.get(WorkspaceMeta, key)
    if value is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(WorkspaceMeta(key=key, value=value))
    else:
        row.value = value


_KEEP = object()


def set_identity(session: Session, *, name: Any = _KEEP, logo: Any = _KEEP) -> Identity:
    """Change the name (str) and/or the logo (bytes); None clears one, omitted keeps it.

    Everything is checked before anything is written.
    """
    changes: dict = {}
    if name is not _KEEP:
        cleaned = " ".join((name or "").split())
        if len(cleaned) > MAX_NAME_LENGTH:
            raise AtelierError(
                _("The name is too long ({n} characters; at most {max}).").format(
                    n=len(cleaned), max=MAX_NAME_LENGTH
                )
            )
        changes["name"] = cleaned or None
    if logo is not _KEEP:
        if logo is not None:
            check_logo(logo)
        changes["logo"] = logo
    if not changes:
        return get_identity(session)
    if "name" in changes:
        _put(session, NAME_KEY, changes["name"])
    if "logo" in changes:
        data = changes["logo"]
        _put(session, LOGO_KEY, base64.b64encode(data).decode("ascii") if data else None)
    payload: dict = {}
    if "name" in changes:
        payload["name"] = changes["name"]
    if "logo" in changes:
        payload["logo_sha256"] = (
            hashlib.sha256(changes["logo"]).hexdigest() if changes["logo"] else None
        )
    audit.append(session, "identity.changed", payload)
    session.commit()
    return get_identity(session)


__all__ = [
    "MAX_LOGO_BYTES",
    "Identity",
    "check_logo",
    "default_name",
    "get_identity",
    "logo_format",
    "set_identity",
]
