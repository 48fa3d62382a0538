# Sourced by the bin/ commands that run a main class of beacon-testkit from a source checkout.
# Builds beacon-testkit (and the modules it depends on) when its jar or runtime classpath is missing or older
# than the sources, then replaces the shell with java running the main class.
# Environment: JAVA (default java), JAVA_OPTS (extra JVM options), MVN (default mvn).

repo_root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
testkit_dir="$repo_root/beacon-testkit"
testkit_classpath="$testkit_dir/target/classpath.txt"
testkit_jar="$testkit_dir/target/beacon-testkit-0.1.0-SNAPSHOT.jar"

testkit_needs_build() {
  [[ -f "$testkit_jar" && -f "$testkit_classpath" ]] || return 0
  # Rebuild when a main source or a pom changed after the jar was made.
  [[ -n "$(find "$repo_root/pom.xml" "$testkit_dir/pom.xml" "$testkit_dir/src/main" \
             "$repo_root/beacon-raft/pom.xml" "$repo_root/beacon-raft/src/main" \
             -newer "$testkit_jar" -type f -print -quit 2>/dev/null)" ]]
}

testkit_build() {
  echo "$(basename "$0"): building beacon-testkit ..." >&2
  local log status=0
  log="$(mktemp)"
  (cd "$repo_root" && "${MVN:-mvn}" -q -B -Dmaven.test.skip=true -Dmaven.jar.forceCreation=true \
      -pl beacon-testkit -am install \
      dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime) >"$log" 2>&1 \
    || status=$?
  if [[ $status -ne 0 ]]; then
    cat "$log" >&2
    echo "$(basename "$0"): the build failed; fix it or run the README's build command" >&2
  fi
  rm -f "$log"
  return "$status"
}

# run_testkit MAIN_CLASS ARGS...
run_testkit() {
  local main_class="$1"
  shift
  if testkit_needs_build; then
    testkit_build || exit 70
  fi
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  exec "${JAVA:-java}" ${JAVA_OPTS:-} -cp "$testkit_jar:$(cat "$testkit_classpath")" "$main_class" "$@"
}
