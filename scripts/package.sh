#!/usr/bin/env bash
# Makes out/obs-bgm_<version>_<arch>.deb for the Debian release it runs on (12 or 13), from a fresh clone:
# installs what the build needs, builds (scripts/build.sh, into build/), installs into a staging root and packs it.
#   /usr/lib/<triplet>/obs-plugins/obs-bgm.so        the OBS plugin, where the release's OBS looks for system plugins
#   /usr/share/obs/obs-plugins/obs-bgm/locale/       its translations
#   /usr/bin/obs-bgm, /usr/share/man/man1/obs-bgm.1.gz
#   <systemd unit dir>/obs-bgm.service, /etc/default/obs-bgm   the render server, disabled, its own user obs-bgm,
#                                                              data in /var/lib/obs-bgm, loopback unless configured
# The version is buildspec.json's; dependencies come from dpkg-shlibdeps, the SoundFont is a dependency (not bundled).
# Then lintian checks it (any error fails). Install it with: sudo apt install ./out/obs-bgm_*.deb
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/lib/release.sh"
deb="$root/scripts/deb"

"$root/scripts/install-deps.sh"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
arch=$(dpkg --print-architecture)
# The same build as the tests' (build/), installed under /usr: only the install rules change.
"$root/scripts/build.sh" -DCMAKE_INSTALL_PREFIX=/usr "-DCMAKE_INSTALL_LIBDIR=lib/$multiarch"

field() { sed -n "s/^ *\"$1\": *\"\(.*\)\",\{0,1\}$/\1/p" "$root/buildspec.json" | head -n 1; }
name=$(field name)
version=$(field version)
[ -n "$name" ] && [ -n "$version" ] || { echo "package: buildspec.json has no name or version" >&2; exit 1; }

stage="$root/build/deb/$name"
rm -rf "$root/build/deb"
mkdir -p "$stage/DEBIAN"
DESTDIR="$stage" cmake --install "$root/build" --strip >/dev/null
plugin="$stage/usr/lib/$multiarch/obs-plugins/obs-bgm.so"
[ -f "$plugin" ] || { echo "package: the OBS plugin was not built (is libobs-dev installed?)" >&2; exit 1; }
[ -x "$stage/usr/bin/obs-bgm" ] || { echo "package: usr/bin/obs-bgm is missing from the install" >&2; exit 1; }

# The render server: its unit where this release's systemd keeps packaged units (/lib on 12, /usr/lib on 13).
# (systemd.pc is in systemd on 12 and in systemd-dev on 13; without it, the release's own place.)
unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || true)
if [ -z "$unitdir" ]; then
  case "$(debian_codename)" in bookworm) unitdir=/lib/systemd/system ;; *) unitdir=/usr/lib/systemd/system ;; esac
fi
install -D -m 644 "$deb/obs-bgm.service" "$stage$unitdir/obs-bgm.service"
install -D -m 644 "$deb/default" "$stage/etc/default/obs-bgm"
echo /etc/default/obs-bgm > "$stage/DEBIAN/conffiles"

# The man page, from the tool's own help: the overview, then every command's options.
include="$root/build/deb/man-include"
{
  echo "[COMMANDS]"
  for cmd in score generate analyze styles chat credits serve; do
    echo ".SS \"obs-bgm $cmd\""
    echo ".nf"
    "$stage/usr/bin/obs-bgm" "$cmd" --help 2>&1 | sed 's/\\/\\\\/g; s/^\./\\\&./'
    echo ".fi"
  done
  printf '[FILES]\n.TP\n/etc/default/obs-bgm\nOptions of the render server (obs-bgm.service).\n'
  printf '.TP\n/var/lib/obs-bgm\nThe render server'"'"'s data: tokens, sessions, uploads and renders.\n'
  printf '.TP\n/usr/share/sounds/sf2/FluidR3_GM.sf2\nThe default SoundFont (fluid-soundfont-gm).\n'
  printf '[SEE ALSO]\n.BR obs (1)\n'
} > "$include"
mkdir -p "$stage/usr/share/man/man1"
help2man --no-info --section=1 --name="background music for OBS recordings, composed offline" \
  --include="$include" --version-string="$version" "$stage/usr/bin/obs-bgm" > "$stage/usr/share/man/man1/obs-bgm.1"
gzip -9n "$stage/usr/share/man/man1/obs-bgm.1"

docs="$stage/usr/share/doc/$name"
install -D -m 644 "$deb/copyright" "$docs/copyright"
printf '%s (%s) unstable; urgency=medium\n\n  * Release %s, built on Debian %s.\n\n -- %s <%s>  %s\n' \
  "$name" "$version" "$version" "$(debian_codename)" "$(field author)" "$(field email)" \
  "$(date -R -d "@$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)")" | gzip -9n > "$docs/changelog.gz"

install -m 755 "$deb/postinst" "$deb/prerm" "$deb/postrm" "$stage/DEBIAN/"

# Shared-library dependencies of the tool and the plugin (libobs, Qt, FFmpeg, FluidSynth, ...), as Debian states them.
mkdir -p "$root/build/deb/debian"
: > "$root/build/deb/debian/control"
depends=$(cd "$root/build/deb" && dpkg-shlibdeps -O -e"$stage/usr/bin/obs-bgm" -e"$plugin" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "package: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
# OBS 30's icons (and our dock's check boxes) are SVG: without Qt's SVG plugin they are blank.
case "$(debian_codename)" in bookworm) recommends="" ;; *) recommends="qt6-svg-plugins" ;; esac
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
control=$(cat "$deb/control.in")
for key in NAME VERSION ARCH AUTHOR EMAIL SIZE DEPENDS WEBSITE RECOMMENDS; do
  case $key in
    NAME) value=$name ;; VERSION) value=$version ;; ARCH) value=$arch ;; AUTHOR) value=$(field author) ;;
    EMAIL) value=$(field email) ;; SIZE) value=$size ;; DEPENDS) value=$depends ;; WEBSITE) value=$(field website) ;;
    RECOMMENDS) value=$recommends ;;
  esac
  control=${control//@$key@/$value}
done
printf '%s\n' "$control" | sed '/^Recommends:/ s/, *$//' > "$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"

mkdir -p "$root/out"
out="$root/out/${name}_${version}_${arch}.deb"
rm -f "$out"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
echo "package: $out"
# Errors fail the package; warnings are printed for the record.
lintian --fail-on error --tag-display-limit 0 "$out" || { echo "package: lintian found errors (above)" >&2; exit 1; }
dpkg-deb --info "$out" | sed -n '/Package:/,$p'
