// Owns: locating the shared linearizability testdata and reading its expected verdicts, for tests.
package io.beacon.testkit.lin;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The testdata lives at {@code <repo root>/../shared/testdata/linearizability}, or wherever the system property
 * {@code beacon.testdata} points. A missing directory fails the calling test; it is never skipped.
 */
final class Testdata {

    /** One history file with the verdict a correct checker must reach. */
    record Case(Path file, HistoryFormat format, Verdict expected) {
        String name() {
            return file.getParent().getFileName() + "/" + file.getFileName();
        }
    }

    private Testdata() {
    }

    static Path directory() {
        String override = System.getProperty("beacon.testdata");
        Path directory = override != null
            ? Path.of(override)
            : repositoryRoot().getParent().resolve("shared/testdata/linearizability");
        if (!Files.isDirectory(directory.resolve("jepsen-etcd")) || !Files.isDirectory(directory.resolve("kv"))) {
            fail("linearizability testdata not found at " + directory.toAbsolutePath()
                + " (expected jepsen-etcd/ and kv/ there; point -Dbeacon.testdata=DIR at it)");
        }
        return directory;
    }

    static Path repositoryRoot() {
        Path directory = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path candidate = directory; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("pom.xml"))
                && Files.isDirectory(candidate.resolve("beacon-testkit"))) {
                return candidate;
            }
        }
        return fail("cannot find the repository root above " + directory);
    }

    /** Every testdata file with its expected verdict: jepsen-etcd from EXPECTED, kv from the file name. */
    static List<Case> cases() {
        Path directory = directory();
        List<Case> cases = new ArrayList<>();
        Path etcd = directory.resolve("jepsen-etcd");
        for (String line : readLines(etcd.resolve("EXPECTED"))) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.trim().split("\\s+");
            if (fields.length != 2) {
                fail("malformed EXPECTED line: " + line);
            }
            cases.add(new Case(etcd.resolve(fields[0]), HistoryFormat.JEPSEN_ETCD, verdictOf(fields[1])));
        }
        try (Stream<Path> files = Files.list(directory.resolve("kv"))) {
            files.filter(file -> file.getFileName().toString().endsWith(".txt")).sorted().forEach(file -> {
                String name = file.getFileName().toString();
                Verdict expected = name.endsWith("-ok.txt") ? Verdict.LINEARIZABLE
                    : name.endsWith("-bad.txt") ? Verdict.NOT_LINEARIZABLE
                    : fail("kv file named neither *-ok.txt nor *-bad.txt: " + name);
                cases.add(new Case(file, HistoryFormat.PORCUPINE_KV, expected));
            });
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
        return cases;
    }

    static HistoryFormat.ParsedHistory parse(Case testCase) {
        try {
            return testCase.format().parse(testCase.file().toString(), readLines(testCase.file()));
        } catch (HistoryParseException malformed) {
            return fail("testdata file does not parse: " + malformed.getMessage());
        }
    }

    static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    private static Verdict verdictOf(String label) {
        for (Verdict verdict : Verdict.values()) {
            if (verdict.label().equals(label)) {
                return verdict;
            }
        }
        return fail("unknown verdict in EXPECTED: " + label);
    }
}
