#!/usr/bin/env bash
# Install the frozen program for the current user (no root): the program folder, an `atelier`
# command, the menu entry, the icons, the .atelier file type and the AppStream metadata.
#
#   installer/linux/install.sh [DIST_FOLDER]      default: dist/atelier (python installer/build.py)
#   installer/linux/install.sh --uninstall
#
# Everything goes under ~/.local (XDG_DATA_HOME is honoured); PREFIX=/some/where moves it.
set -euo pipefail
ID=fr.atelier_citoyen.AtelierCitoyen
HERE="$(cd "$(dirname "$0")" && pwd)"
PREFIX="${PREFIX:-$HOME/.local}"
DATA="${XDG_DATA_HOME:-$PREFIX/share}"
[ "$PREFIX" = "$HOME/.local" ] || DATA="$PREFIX/share"
APPDIR="$PREFIX/lib/atelier-citoyen"
BIN="$PREFIX/bin"
SIZES="16 32 48 64 128 256 512"

refresh() {
    command -v update-mime-database >/dev/null && update-mime-database "$DATA/mime" || true
    command -v update-desktop-database >/dev/null \
        && update-desktop-database "$DATA/applications" || true
    command -v gtk-update-icon-cache >/dev/null \
        && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$APPDIR"
    rm -f "$BIN/atelier" "$DATA/applications/$ID.desktop" "$DATA/mime/packages/$ID.xml" \
          "$DATA/metainfo/$ID.metainfo.xml" "$DATA/icons/hicolor/scalable/apps/$ID.svg"
    for size in $SIZES; do rm -f "$DATA/icons/hicolor/${size}x${size}/apps/$ID.png"; done
    refresh
    echo "Atelier Citoyen uninstalled (your workspaces were left in place)."
    exit 0
fi

DIST="${1:-$HERE/../../dist/atelier}"
if [ ! -x "$DIST/atelier" ]; then
    echo "No built program in $DIST: run python installer/build.py first." >&2
    exit 1
fi
ICONS="$DIST/_internal/app/resources/icons"
[ -d "$ICONS" ] || ICONS="$HERE/../../app/resources/icons"

rm -rf "$APPDIR"
mkdir -p "$APPDIR" "$BIN" "$DATA/applications" "$DATA/mime/packages" "$DATA/metainfo" \
         "$DATA/icons/hicolor/scalable/apps"
cp -a "$DIST/." "$APPDIR/"
ln -sf "$APPDIR/atelier" "$BIN/atelier"
# The menu entry runs the installed program by its full path (~/.local/bin is not always on
# the PATH of a desktop session).
sed -e "s|^Exec=atelier |Exec=\"$APPDIR/atelier\" |" -e "s|^TryExec=atelier$|TryExec=$APPDIR/atelier|" \
    "$HERE/$ID.desktop" > "$DATA/applications/$ID.desktop"
cp "$HERE/$ID.xml" "$DATA/mime/packages/$ID.xml"
cp "$HERE/$ID.metainfo.xml" "$DATA/metainfo/$ID.metainfo.xml"
for size in $SIZES; do
    mkdir -p "$DATA/icons/hicolor/${size}x${size}/apps"
    cp "$ICONS/atelier-citoyen-$size.png" "$DATA/icons/hicolor/${size}x${size}/apps/$ID.png"
done
cp "$ICONS/atelier-citoyen.svg" "$DATA/icons/hicolor/scalable/apps/$ID.svg"
refresh
echo "Atelier Citoyen installed in $APPDIR; the command is $BIN/atelier."
