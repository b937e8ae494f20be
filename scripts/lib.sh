# Shared helpers for the scripts in this folder.
step() { printf '\n==> %s\n' "$*"; }

# need CMD APT_PACKAGE: make CMD available, installing the Debian package when
# missing. On a laptop without root it explains how to install and returns 1.
need() {
  local cmd=$1 pkg=${2:-$1}
  command -v "$cmd" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing $pkg (apt)"
    (apt-get install -y -qq "$pkg" >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$pkg" >/dev/null 2>&1; }) || true
  fi
  command -v "$cmd" >/dev/null 2>&1 && return 0
  missing "$cmd" "install it with: sudo apt-get install $pkg"
}

# missing TOOL HOW: with CI=true a missing tool is a failure; elsewhere a skip.
missing() {
  if [ "${CI:-}" = true ]; then
    echo "FAIL: $1 is missing and CI=true ($2)" >&2
    exit 1
  fi
  echo "SKIP: $1 is missing ($2)" >&2
  return 1
}
