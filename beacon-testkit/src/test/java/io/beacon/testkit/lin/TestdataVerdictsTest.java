// Owns: checking that every shared testdata history gets its listed verdict, quickly, and that budgets never pass.
package io.beacon.testkit.lin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class TestdataVerdictsTest {

    private static final long BUDGET = 10_000_000L;

    @Test
    void testdataIsPresentAndComplete() throws Exception {
        List<Testdata.Case> cases = Testdata.cases();
        assertThat(cases).allSatisfy(testCase -> assertThat(testCase.file()).isRegularFile());
        try (Stream<Path> logs = Files.list(Testdata.directory().resolve("jepsen-etcd"))) {
            List<Path> listed = cases.stream().map(Testdata.Case::file).toList();
            assertThat(logs.filter(file -> file.toString().endsWith(".log")))
                .as("every etcd log is listed in EXPECTED")
                .allSatisfy(log -> assertThat(listed).contains(log));
        }
        assertThat(cases.stream().filter(testCase -> testCase.format() == HistoryFormat.JEPSEN_ETCD)).hasSize(50);
        assertThat(cases.stream().filter(testCase -> testCase.format() == HistoryFormat.PORCUPINE_KV)).hasSize(4);
    }

    @TestFactory
    Stream<DynamicTest> everyFileGetsItsListedVerdict() {
        return Testdata.cases().stream().map(testCase -> DynamicTest.dynamicTest(
            testCase.name() + " is " + testCase.expected(),
            () -> {
                CheckResult result = Testdata.parse(testCase).check(BUDGET, null);
                assertThat(result.verdict()).as(result.explanation()).isEqualTo(testCase.expected());
            }));
    }

    @Test
    void allFilesAreCheckedWithinSeconds() {
        List<Testdata.Case> cases = Testdata.cases();
        long start = System.nanoTime();
        for (Testdata.Case testCase : cases) {
            assertThat(Testdata.parse(testCase).check(BUDGET, null).verdict())
                .as(testCase.name()).isEqualTo(testCase.expected());
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("linearizability testdata: %d files parsed and checked in %d ms%n",
            cases.size(), elapsed.toMillis());
        assertThat(elapsed).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void smallBudgetsGiveTheRightVerdictOrUnknownButNeverTheWrongOne() {
        for (Testdata.Case testCase : Testdata.cases()) {
            HistoryFormat.ParsedHistory history = Testdata.parse(testCase);
            for (long budget : new long[] {1, 2, 3, 10, 50, 100, 500, 1_000, 5_000, 20_000}) {
                assertThat(history.check(budget, null).verdict())
                    .as(testCase.name() + " with budget " + budget)
                    .isIn(testCase.expected(), Verdict.UNKNOWN);
            }
        }
    }

    @Test
    void aBudgetOfOneStepIsUnknownOnEveryNonTrivialFile() {
        for (Testdata.Case testCase : Testdata.cases()) {
            assertThat(Testdata.parse(testCase).check(1, null).verdict()).as(testCase.name())
                .isEqualTo(Verdict.UNKNOWN);
        }
    }

    @Test
    void resultsAreDeterministic() {
        for (Testdata.Case testCase : Testdata.cases()) {
            HistoryFormat.ParsedHistory history = Testdata.parse(testCase);
            assertThat(history.check(BUDGET, null)).as(testCase.name()).isEqualTo(history.check(BUDGET, null));
            assertThat(history.check(700, null)).as(testCase.name()).isEqualTo(history.check(700, null));
        }
    }

    @Test
    void anExpiredDeadlineGivesUnknownOnTheHardestFile() {
        Testdata.Case hardest = Testdata.cases().stream()
            .filter(testCase -> testCase.file().getFileName().toString().equals("etcd_002.log"))
            .findFirst().orElseThrow();
        CheckResult result = Testdata.parse(hardest).check(BUDGET, Duration.ZERO);
        assertThat(result.verdict()).isEqualTo(Verdict.UNKNOWN);
        assertThat(result.explanation()).contains("deadline passed");
    }
}
