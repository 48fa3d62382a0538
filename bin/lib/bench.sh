# Sourced by the bin/ commands that run JMH benchmarks of beacon-bench from a source checkout.
# Builds target/beacon-bench.jar (beacon-bench and the modules it depends on; tests are neither compiled nor run)
# when it is missing or older than the sources, then replaces the shell with java running JMH (run_bench) or a
# simulation's main class (run_bench_main) from that jar.
# Environment: JAVA (default java), JAVA_OPTS (options of the JMH host JVM, not of the forked benchmark JVMs:
# give those to JMH as -jvmArgsAppend; under run_bench_main, of the simulation's JVM), MVN (default mvn).

source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/build.sh"
bench_jar="$repo_root/beacon-bench/target/beacon-bench.jar"
bench_wrapper=()

# bench_has_option OPTION ARGS...: whether ARGS give JMH this option (as "-r 3s", "-r=3s" or "-r3s").
bench_has_option() {
  local option="$1" arg
  shift
  for arg in "$@"; do
    if [[ "$arg" == "$option" || "$arg" == "$option="* || "$arg" =~ ^$option[0-9] ]]; then
      return 0
    fi
  done
  return 1
}

# run_bench BENCHMARK_REGEX DEFAULT_OPTIONS -- JMH_ARGS...
# Runs JMH on the benchmarks matching the regex with the JMH arguments given, plus each default option (a
# name and its value, e.g. "-f 1") that those arguments do not set themselves: JMH refuses an option given twice.
run_bench() {
  local regex="$1"
  shift
  local -a defaults=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do
    defaults+=("$1")
    shift
  done
  [[ $# -gt 0 ]] && shift
  local -a args=("$regex")
  local i
  for ((i = 0; i + 1 < ${#defaults[@]}; i += 2)); do
    if ! bench_has_option "${defaults[i]}" "$@"; then
      args+=("${defaults[i]}" "${defaults[i + 1]}")
    fi
  done
  bench_prepare
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  exec "${bench_pin[@]}" "${JAVA:-java}" ${JAVA_OPTS:-} -jar "$bench_jar" "${args[@]}" "$@"
}

# run_bench_main CLASS JAVA_OPTIONS... -- ARGS...
# Runs a plain main class of beacon-bench (a simulation rather than a JMH benchmark) from the same jar, with ARGS,
# in a JVM given JAVA_OPTIONS (e.g. a fixed heap) and then JAVA_OPTS, which come last and so override them: here
# the JVM started is the one measured. Pinned as run_bench is under BEACON_BENCH_CPUS. The command in the array
# bench_wrapper, if the caller set one, runs the JVM (e.g. in a network namespace of its own); the jar is built
# before, outside it.
run_bench_main() {
  local class="$1"
  shift
  local -a options=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do
    options+=("$1")
    shift
  done
  [[ $# -gt 0 ]] && shift
  bench_prepare
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  exec "${bench_wrapper[@]}" "${bench_pin[@]}" "${JAVA:-java}" "${options[@]}" ${JAVA_OPTS:-} -cp "$bench_jar" \
    "$class" "$@"
}

# bench_prepare: builds the jar if it is missing or stale (exits 70 if the build fails), and sets bench_pin to the
# taskset prefix BEACON_BENCH_CPUS asks for (empty if unset).
bench_prepare() {
  if needs_build "$bench_jar" beacon-bench beacon-testkit beacon-raft beacon-storage beacon-transport beacon-node \
    beacon-registry beacon-server; then
    build_module beacon-bench package || exit 70
  fi
  bench_pin=()
  if [[ -n "${BEACON_BENCH_CPUS:-}" ]]; then
    bench_pin=(taskset -c "$BEACON_BENCH_CPUS")
  fi
}
