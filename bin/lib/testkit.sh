# Sourced by the bin/ commands that run a main class of beacon-testkit: builds it when needed, then replaces
# the shell with java running the main class.
# Environment: JAVA (default java), JAVA_OPTS (extra JVM options), MVN (default mvn). The command in the array
# testkit_wrapper, if the caller set one, runs the JVM (e.g. in a network namespace of its own); the build runs
# before, outside it.

source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/build.sh"
testkit_dir="$repo_root/beacon-testkit"
testkit_classpath="$testkit_dir/target/classpath.txt"
testkit_jar="$testkit_dir/target/beacon-testkit-0.1.0-SNAPSHOT.jar"
testkit_wrapper=()

# run_testkit MAIN_CLASS ARGS...
run_testkit() {
  local main_class="$1"
  shift
  if [[ ! -f "$testkit_classpath" ]] || needs_build "$testkit_jar" beacon-testkit beacon-server beacon-registry \
    beacon-node beacon-transport beacon-storage beacon-raft; then
    build_module beacon-testkit -Dmaven.jar.forceCreation=true install dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime || exit 70
  fi
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  exec "${testkit_wrapper[@]}" "${JAVA:-java}" ${JAVA_OPTS:-} -cp "$testkit_jar:$(cat "$testkit_classpath")" "$main_class" "$@"
}
