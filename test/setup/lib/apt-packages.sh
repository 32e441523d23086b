# shellcheck shell=bash
# Installing missing Debian packages with apt-get, for the test setup scripts (and the registry test
# image's rootfs.sh). Sourced, not run, with the name that starts every message:
#   source "$here/lib/apt-packages.sh" ensure-docker
#
#   say TEXT…                print "NAME: TEXT" on stderr (stdout is the scripts' answer)
#   die TEXT…                say "ERROR: TEXT" and exit 1
#   missing_packages PKG…    print each PKG that dpkg does not list as installed (all, without dpkg)
#   install_packages PKG…    install those of PKG that are missing (as root), or fail
#
# No lock here: each caller holds its own, and it usually covers more than the install (starting the
# engine the packages bring). A caller for which "cannot install here" is not an error redefines
# cannot_install after sourcing (ensure-podman.sh exits 3 so the tests skip).

apt_packages_name=${1:?usage: source apt-packages.sh NAME}

say() { printf '%s: %s\n' "$apt_packages_name" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# Packages are missing and this machine cannot install them (no apt-get, not root).
cannot_install() { die "$@"; }

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' \
      || printf '%s\n' "$pkg"
  done
}

install_packages() {
  local -a missing
  mapfile -t missing < <(missing_packages "$@")
  [[ ${#missing[@]} -eq 0 ]] && return 0
  command -v apt-get >/dev/null 2>&1 || cannot_install "apt-get not found; install ${missing[*]} by hand"
  [[ $(id -u) -eq 0 ]] || cannot_install "not root; install ${missing[*]} by hand (or run this script as root)"
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Try the existing package lists first; refresh them only when that fails (fresh images
  # ship without lists, and `apt-get update` is the slow part).
  if ! apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >&2; then
    apt-get update -q </dev/null >&2 || die "apt-get update failed"
    apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >&2 \
      || die "apt-get install ${missing[*]} failed"
  fi
}
