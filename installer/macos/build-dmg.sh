#!/usr/bin/env bash
# Build "Request Composer.app" and put it in a .dmg (macOS only: NOT built or
# tested in CI, there is no Mac here). Steps and signing in installer/README.md.
#
# The .app's Info.plist (written by installer/request-composer.spec) registers
# the request-composer:// link scheme (CFBundleURLTypes) and the saved-request
# type (a UTI that conforms to public.zip-archive, LSHandlerRank Alternate: the
# app is offered for .zip files, never made their default).
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m venv build/macos-venv
build/macos-venv/bin/pip install -q . 'pyinstaller>=6.10,<7'
version=$(build/macos-venv/bin/python -c 'import tomllib;print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
# the icon: an .icns from the SVG's PNG sizes (iconutil ships with macOS)
mkdir -p build/icon.iconset
build/macos-venv/bin/python installer/icons.py resources/icons/request-composer.svg build/icon-sizes
for n in 16 32 128 256 512; do
  cp "build/icon-sizes/${n}x${n}/request-composer.png" "build/icon.iconset/icon_${n}x${n}.png"
done
iconutil -c icns build/icon.iconset -o installer/macos/request-composer.icns
RC_ROOT=$PWD RC_RESOURCES=${RC_RESOURCES:-$PWD/resources} RC_VERSION=$version \
  build/macos-venv/bin/pyinstaller --noconfirm --distpath dist --workpath build/macos-work \
  installer/request-composer.spec
# sign (with your Developer ID) and notarize before shipping, see installer/README.md
hdiutil create -volname "Request Composer" -srcfolder "dist/Request Composer.app" -ov -format UDZO \
  "dist/request-composer-${version}.dmg"
echo "dist/request-composer-${version}.dmg"
