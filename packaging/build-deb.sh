#!/usr/bin/env bash
# Builds the Debian package footfall_<version>_<arch>.deb from a built footfall binary with
# dpkg-deb, laid out as Debian lays packages out: the binary stripped as dh_strip does, the
# systemd unit, /etc/default/footfall (the one conffile), the maintainer scripts of
# packaging/debian/, Depends: from dpkg-shlibdeps, the documentation and calibration/ examples
# under /usr/share/doc/footfall/. `make deb` runs it on a release build linked with the Swift
# runtime statically; the packaging test on the debug build its test run made.
#
#   packaging/build-deb.sh --binary .build/release/footfall [--out DIR] [--version VERSION]
#       [--maintainer 'Name <address>'] [--compression xz|gzip|none]
#       [--fast]                         (least compression: for a package only checked, not shipped)
#       [--lintian]                      (then check it: lintian's errors fail the build)
#       [--allow-unpackaged-libraries]   (a debug build: the Swift runtime's shared libraries,
#                                         which no Debian package provides, left out of Depends:)
set -euo pipefail

fail() {
    echo "Error: $*" >&2
    exit 1
}
usage_line="usage: $0 --binary PATH [--out DIR] [--version VERSION] [--maintainer 'Name <address>'] [--compression xz|gzip|none] [--fast] [--lintian] [--allow-unpackaged-libraries]"
# Asked for (--help): the usage and what each option does, on standard output, and success.
help() {
    echo "$usage_line"
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
    exit 0
}
# Not asked for (no --binary): the usage line on standard error, and a usage error.
usage() {
    echo "$usage_line" >&2
    exit 64
}

binary="" out="." version="" compression="xz" allow_unpackaged=false lintian=false level=()
maintainer="Footfall engineering <engineering@footfall.example>"
while [ $# -gt 0 ]; do
    case "$1" in
    --binary | --out | --version | --maintainer | --compression)
        [ $# -ge 2 ] || fail "$1 needs a value (see $0 --help)"
        case "$1" in
        --binary) binary=$2 ;;
        --out) out=$2 ;;
        --version) version=$2 ;;
        --maintainer) maintainer=$2 ;;
        --compression) compression=$2 ;;
        esac
        shift 2
        ;;
    --allow-unpackaged-libraries) allow_unpackaged=true; shift ;;
    --lintian) lintian=true; shift ;;
    --fast) level=(-z1); shift ;;
    -h | --help) help ;;
    *) fail "unknown option '$1' (see $0 --help)" ;;
    esac
done
[ -n "$binary" ] || usage
[ -f "$binary" ] && [ -x "$binary" ] ||
    fail "--binary $binary is not an executable file; build it first (swift build -c release --product footfall --static-swift-stdlib)"
case "$compression" in xz | gzip | none) ;; *) fail "--compression '$compression' is not xz, gzip or none" ;; esac
[ -d "$out" ] || fail "--out $out is not a folder"
for tool in dpkg-deb dpkg-shlibdeps strip ldd gzip; do
    command -v "$tool" >/dev/null || fail "$tool is missing; install dpkg-dev and binutils (make deb installs them)"
done

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
commit=$(git -C "$repo" log -1 --format=%h 2>/dev/null || echo unknown)
if [ -z "$version" ]; then
    # The release of the binary packed (`footfall --version`), then the commit: later commits
    # give later versions, so apt takes a newer package for an upgrade (and 0.1.0~git… sorts
    # after the 0.1~git… packages made before the release was read from the binary).
    release=$("$binary" --version 2>/dev/null) && [ -n "$release" ] ||
        fail "$binary --version printed no release; give --version VERSION, or package a footfall binary"
    version=$(TZ=UTC git -C "$repo" log -1 --date=format-local:%Y%m%d.%H%M%S --format="${release}~git%cd.%h" 2>/dev/null) ||
        fail "no --version given and $repo is not a git checkout to take one from"
fi
dpkg --validate-version "$version" 2>/dev/null || fail "--version '$version' is not a Debian version (digits first; letters, digits, . + ~)"
arch=$(dpkg --print-architecture)
deb="$out/footfall_${version}_${arch}.deb"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
umask 022
root="$stage/footfall"
doc="$root/usr/share/doc/footfall"
install -d "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/default" "$doc/docs" "$doc/calibration"

install -m 0755 "$binary" "$root/usr/bin/footfall"
# As dh_strip: no debugging symbols or compiler notes in the package (a debug build's are most
# of its size).
strip --strip-unneeded --remove-section=.comment "$root/usr/bin/footfall"
install -m 0644 "$here/footfall.service" "$root/lib/systemd/system/footfall.service"
# Root's alone: systemd reads it as root, and it may hold a broker's password (password_env).
install -m 0600 "$here/debian/default" "$root/etc/default/footfall"
install -D -m 0644 "$here/debian/lintian-overrides" "$root/usr/share/lintian/overrides/footfall"

# Documentation compressed as dh_compress does (over 4 kB); calibration/ stays as it is: its
# store files are examples footfall reads (--store /usr/share/doc/footfall/calibration/demo-store).
install -m 0644 "$repo/README.md" "$doc/README.md"
install -m 0644 "$repo"/docs/*.md "$doc/docs/"
# The pictures the pages show (README's analytics page, the accuracy plot).
install -m 0644 "$repo"/docs/*.png "$repo"/docs/*.svg "$doc/docs/"
(cd "$repo" && find calibration -type f | LC_ALL=C sort) | while read -r file; do
    install -D -m 0644 "$repo/$file" "$doc/$file"
done
find "$doc" -path "$doc/calibration" -prune -o -type f -name '*.md' -size +4k -print0 | xargs -0 -r gzip -9n
install -m 0644 "$here/debian/copyright" "$doc/copyright"
{
    echo "footfall ($version) unstable; urgency=medium"
    echo
    echo "  * Built from commit $commit."
    echo
    echo " -- $maintainer  $(git -C "$repo" log -1 --format=%cD 2>/dev/null || date -R)"
} | gzip -9n >"$doc/changelog.gz"

# Depends: the library packages of every shared library the binary loads, at the versions its
# symbols need (dpkg-shlibdeps), and adduser for the postinst.
unpackaged=""
while read -r library; do
    dpkg-query -S "$library" >/dev/null 2>&1 || dpkg-query -S "$(readlink -f "$library")" >/dev/null 2>&1 ||
        unpackaged="$unpackaged $(basename "$library")"
done < <(ldd "$root/usr/bin/footfall" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }')
shlibdeps_options=()
if [ -n "$unpackaged" ]; then
    $allow_unpackaged ||
        fail "the binary loads${unpackaged}, which no Debian package provides; link the Swift runtime statically (swift build -c release --static-swift-stdlib, as make deb does)"
    shlibdeps_options+=(--ignore-missing-info)
fi
mkdir -p "$stage/debian"
printf 'Source: footfall\n\nPackage: footfall\nArchitecture: any\n' >"$stage/debian/control"
shlibs=$(cd "$stage" && dpkg-shlibdeps -O "${shlibdeps_options[@]}" footfall/usr/bin/footfall 2>"$stage/shlibdeps.log") ||
    fail "dpkg-shlibdeps could not work out the binary's library packages: $(tr '\n' ' ' <"$stage/shlibdeps.log")"
depends="${shlibs#shlibs:Depends=}, adduser"

install -m 0755 "$here/debian/postinst" "$here/debian/prerm" "$here/debian/postrm" "$root/DEBIAN/"
install -m 0644 "$here/debian/conffiles" "$root/DEBIAN/conffiles"
installed_size=$(du -k -s --apparent-size "$root" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" \
    -e "s|@INSTALLED_SIZE@|$installed_size|" -e "s|@DEPENDS@|$depends|" "$here/debian/control" >"$root/DEBIAN/control"
# As dh_md5sums: every file but the conffiles, whose sums dpkg keeps itself.
(cd "$root" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -printf '%P\n' | LC_ALL=C sort |
    xargs -d '\n' md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/md5sums"

dpkg-deb --root-owner-group -Z"$compression" "${level[@]}" --build "$root" "$deb" >/dev/null
echo "built $deb ($installed_size kB installed; Depends: $depends)"
if $lintian; then
    command -v lintian >/dev/null || fail "lintian is missing; install it (make deb does)"
    lintian --fail-on error --tag-display-limit 0 "$deb" || fail "lintian found errors in $deb (above)"
    echo "lintian: no errors"
fi
