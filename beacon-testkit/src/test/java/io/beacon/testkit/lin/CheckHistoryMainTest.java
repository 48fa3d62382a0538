// Owns: tests of the beacon-check-history command line: output lines and exit status.
package io.beacon.testkit.lin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckHistoryMainTest {

    private record Run(int status, String out, String err) {
    }

    @TempDir
    Path temporary;

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = CheckHistoryMain.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(status, out.toString(), err.toString());
    }

    private static String etcd(String name) {
        return Testdata.directory().resolve("jepsen-etcd").resolve(name).toString();
    }

    private static String kv(String name) {
        return Testdata.directory().resolve("kv").resolve(name).toString();
    }

    @Test
    void printsOneLinePerFileAndExitsOneWhenAnyIsNotLinearizable() {
        Run run = run("--format", "jepsen-etcd", etcd("etcd_002.log"), etcd("etcd_000.log"));
        assertThat(run.out()).isEqualTo(
            etcd("etcd_002.log") + " linearizable" + System.lineSeparator()
                + etcd("etcd_000.log") + " not-linearizable" + System.lineSeparator());
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).isEmpty();
    }

    @Test
    void exitsZeroWhenAllAreLinearizable() {
        Run run = run("--format", "porcupine-kv", "--timeout-seconds", "60", kv("c01-ok.txt"), kv("c10-ok.txt"));
        assertThat(run.out())
            .containsSubsequence(kv("c01-ok.txt") + " linearizable", kv("c10-ok.txt") + " linearizable");
        assertThat(run.status()).isZero();
    }

    @Test
    void exitsTwoWhenSomeAreUnknownAndNoneFailed() {
        Run run = run("--format", "jepsen-etcd", "--budget", "1", etcd("etcd_002.log"));
        assertThat(run.out()).isEqualTo(etcd("etcd_002.log") + " unknown" + System.lineSeparator());
        assertThat(run.status()).isEqualTo(2);
    }

    @Test
    void explainsFailuresOnStandardError() {
        Run run = run("--format", "porcupine-kv", "--explain", kv("c01-bad.txt"));
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("longest linearizable prefix");
    }

    @Test
    void aMalformedFileExits64NamingTheFileAndLineAndChecksNothing() throws Exception {
        Path malformed = temporary.resolve("broken.log");
        Files.writeString(malformed, String.join("\n",
            "INFO  jepsen.util - 0\t:invoke\t:read\tnil",
            "INFO  jepsen.util - 0\t:ok\t:read\t1",
            "INFO  jepsen.util - 3\t:ok\t:write\t2"), StandardCharsets.UTF_8);
        Run run = run("--format", "jepsen-etcd", etcd("etcd_000.log"), malformed.toString());
        assertThat(run.status()).isEqualTo(64);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains(malformed + ":3:").contains("without a pending invoke");
    }

    @Test
    void aMissingFileExits64() {
        Path missing = temporary.resolve("missing.txt");
        Run run = run("--format", "porcupine-kv", missing.toString());
        assertThat(run.status()).isEqualTo(64);
        assertThat(run.err()).contains("cannot read " + missing + ": no such file");
    }

    @Test
    void badUsageExits64() {
        assertThat(run(etcd("etcd_000.log")).status()).as("no --format").isEqualTo(64);
        assertThat(run("--format", "csv", etcd("etcd_000.log")).status()).as("unknown format").isEqualTo(64);
        assertThat(run("--format", "jepsen-etcd").status()).as("no files").isEqualTo(64);
        assertThat(run("--format", "jepsen-etcd", "--budget", "0", etcd("etcd_000.log")).status()).isEqualTo(64);
        assertThat(run("--format", "jepsen-etcd", "--timeout-seconds", "-1", etcd("etcd_000.log")).status())
            .isEqualTo(64);
        assertThat(run("--format", "jepsen-etcd", "--bogus", etcd("etcd_000.log")).err()).contains("--bogus");
    }

    @Test
    void helpExitsZero() {
        Run run = run("--help");
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("--format").contains("--budget").contains("--timeout-seconds");
    }
}
