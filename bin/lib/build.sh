# Sourced by the bin/ commands: builds a module of this checkout (and the modules it depends on) when its
# artifact is missing or older than the sources, so every command works on a fresh clone.
# Environment: MVN (default mvn).

repo_root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"

# needs_build ARTIFACT MODULE...: whether ARTIFACT is missing or older than a pom or main source of the modules.
needs_build() {
  local artifact="$1" module
  shift
  [[ -f "$artifact" ]] || return 0
  local -a sources=("$repo_root/pom.xml")
  for module in "$@"; do
    sources+=("$repo_root/$module/pom.xml" "$repo_root/$module/src/main")
  done
  [[ -n "$(find "${sources[@]}" -newer "$artifact" -type f -print -quit 2>/dev/null)" ]]
}

# build_module MODULE GOALS...: builds the module and what it depends on, without tests; shows the output only
# if the build fails.
build_module() {
  local module="$1"
  shift
  echo "$(basename "$0"): building $module ..." >&2
  local log status=0
  log="$(mktemp)"
  (cd "$repo_root" && "${MVN:-mvn}" -q -B -Dmaven.test.skip=true -pl "$module" -am "$@") >"$log" 2>&1 \
    || status=$?
  if [[ $status -ne 0 ]]; then
    cat "$log" >&2
    echo "$(basename "$0"): the build failed; fix it or run bin/beacon-test" >&2
  fi
  rm -f "$log"
  return "$status"
}

# install_if_missing COMMAND PACKAGE: installs the Debian package that provides COMMAND unless it is on the PATH.
install_if_missing() {
  command -v "$1" >/dev/null && return 0
  echo "$(basename "$0"): $1 is missing; installing $2 (apt-get update && apt-get install -y $2) ..." >&2
  apt-get update -q >&2 && apt-get install -y -q "$2" >&2
}
