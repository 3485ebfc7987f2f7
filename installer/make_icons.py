"""Render the app icon (app/resources/icons/atelier-citoyen.svg) to PNG, ICO and ICNS files.

A development tool: run it after changing the SVG and commit the results
(``python installer/make_icons.py``). Needs PySide6 (QtSvg) and Pillow.
"""

from __future__ import annotations

import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "app" / "resources" / "icons"
SVG = ICONS / "atelier-citoyen.svg"
SIZES = (16, 32, 48, 64, 128, 256, 512)


def png_path(size: int) -> Path:
    return ICONS / f"atelier-citoyen-{size}.png"


def render() -> list[Path]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    made = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(png_path(size)))
        made.append(png_path(size))
    from PIL import Image

    largest = Image.open(png_path(512))
    largest.save(ICONS / "atelier-citoyen.ico", sizes=[(s, s) for s in SIZES if s <= 256])
    largest.save(ICONS / "atelier-citoyen.icns")
    return [*made, ICONS / "atelier-citoyen.ico", ICONS / "atelier-citoyen.icns"]


if __name__ == "__main__":
    for path in render():
        print(path.relative_to(ICONS.parent.parent.parent))
