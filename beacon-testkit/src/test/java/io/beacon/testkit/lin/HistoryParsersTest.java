// Owns: tests of the jepsen-etcd and porcupine-kv parsers, including malformed input and line numbers.
package io.beacon.testkit.lin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryParsersTest {

    private static final String KEY = JepsenEtcdParser.KEY;

    @Test
    void parsesJepsenEtcdOperationsAndIgnoresOtherLines() throws Exception {
        List<String> lines = List.of(
            "INFO  jepsen.core - Running test",
            "INFO  jepsen.util - 0\t:invoke\t:read\tnil",
            "INFO  jepsen.util - 1\t:invoke\t:write\t3",
            "INFO  jepsen.util - 2\t:invoke\t:cas\t[3 4]",
            "INFO  jepsen.util - :nemesis\t:info\t:start\tnil",
            "INFO  jepsen.util - 0\t:ok\t:read\tnil",
            "INFO  jepsen.util - 1\t:info\t:write\t:timed-out",
            "INFO  jepsen.util - 2\t:fail\t:cas\t[3 4]",
            "INFO  jepsen.util - 3\t:invoke\t:cas\t[nil 1]",
            "INFO  jepsen.util - 3\t:ok\t:cas\t[nil 1]",
            "INFO  jepsen.util - 4\t:invoke\t:read\tnil",
            "INFO  jepsen.util - 4\t:fail\t:read\t:timed-out",
            "INFO  jepsen.util - 5\t:invoke\t:read\tnil",
            "INFO  jepsen.util - 5\t:ok\t:read\t1",
            "INFO  jepsen.util - 6\t:invoke\t:write\t2");
        assertThat(JepsenEtcdParser.parse("t.log", lines)).containsExactly(
            Operation.completed(0, RegisterInput.read(KEY), RegisterValue.ABSENT, 2, 6),
            Operation.indeterminate(1, RegisterInput.write(KEY, "3"), 3),
            Operation.completed(3, RegisterInput.cas(KEY, null, "1"), true, 9, 10),
            Operation.completed(5, RegisterInput.read(KEY), RegisterValue.of("1"), 13, 14),
            Operation.indeterminate(6, RegisterInput.write(KEY, "2"), 15));
    }

    @Test
    void malformedJepsenEtcdLinesNameTheFileAndLine() {
        assertJepsenError("INFO  jepsen.util - 7\t:ok\t:read\t1",
            "f.log:2: process 7 completes :read without a pending invoke");
        assertJepsenError("INFO  jepsen.util - 0\t:done\t:read\t1", "f.log:2: unknown type :done");
        assertJepsenError("INFO  jepsen.util - 1\t:invoke\t:cas\t3 4", "f.log:2: expected a cas value [FROM TO]");
        assertJepsenError("INFO  jepsen.util - 1\t:invoke\t:incr\t1", "f.log:2: unknown operation :incr");
        assertJepsenError("INFO  jepsen.util - 0\t:invoke\t:write\t1",
            "f.log:2: process 0 invokes :write while its :read");
        assertJepsenError("INFO  jepsen.util - 0\tok\tread\t1", "f.log:2: expected ':TYPE :F VALUE'");
        assertJepsenError("INFO  jepsen.util - 0 :ok :read [1 2]", "f.log:2: expected a single value");
    }

    private static void assertJepsenError(String secondLine, String message) {
        List<String> lines = List.of("INFO  jepsen.util - 0\t:invoke\t:read\tnil", secondLine);
        assertThatThrownBy(() -> JepsenEtcdParser.parse("f.log", lines))
            .isInstanceOf(HistoryParseException.class)
            .hasMessageStartingWith(message)
            .satisfies(error -> assertThat(((HistoryParseException) error).line()).isEqualTo(2));
    }

    @Test
    void parsesPorcupineKeyValueLines() throws Exception {
        List<String> lines = List.of(
            "{:process 0, :type :invoke, :f :append, :key \"0\", :value \"x 0 0 y\"}",
            "{:process 1, :type :invoke, :f :get, :key \"0\", :value nil}",
            "",
            "{:process 0, :type :ok, :f :append, :key \"0\", :value \"x 0 0 y\"}",
            "{:process 1, :type :ok, :f :get, :key \"0\", :value \"say \\\"hi\\\"\"}",
            "{:process 2 :type :invoke :f :put :key \"1\" :value \"v\"}");
        assertThat(PorcupineKvParser.parse("kv.txt", lines)).containsExactly(
            Operation.completed(0, KvInput.append("0", "x 0 0 y"), "ok", 1, 4),
            Operation.completed(1, KvInput.get("0"), "say \"hi\"", 2, 5),
            Operation.indeterminate(2, KvInput.put("1", "v"), 6));
    }

    @Test
    void malformedPorcupineLinesNameTheFileAndLine() {
        assertKvError("{:process 0, :type :invoke, :f :get, :key \"0\"", "kv.txt:1: malformed EDN map: unexpected end");
        assertKvError("{:process 0, :type :invoke, :f :incr, :key \"0\", :value \"1\"}",
            "kv.txt:1: unknown :f :incr");
        assertKvError("{:process 0, :type :invoke, :f :get, :value nil}", "kv.txt:1: missing or invalid :key");
        assertKvError("{:process 0, :type :ok, :f :get, :key \"0\", :value \"\"}",
            "kv.txt:1: process 0 completes :get");
        assertKvError("{:process 0, :type :invoke, :f :put, :key \"0\", :value nil}", "kv.txt:1: :put needs");
        assertKvError("{:process 0, :type :invoke, :f :get, :key \"0\", :value nil} x", "kv.txt:1: malformed EDN");
    }

    private static void assertKvError(String line, String message) {
        assertThatThrownBy(() -> PorcupineKvParser.parse("kv.txt", List.of(line)))
            .isInstanceOf(HistoryParseException.class)
            .hasMessageStartingWith(message);
    }

    @Test
    void theEdnReaderHandlesTheValueKindsItSupports() {
        assertThat(EdnMapReader.readMap(" { :a 1, :b -2 :c \"s\\n\" :d :kw :e nil :f true :g false } "))
            .containsEntry("a", 1L).containsEntry("b", -2L).containsEntry("c", "s\n")
            .containsEntry("d", new EdnMapReader.Keyword("kw")).containsEntry("e", null)
            .containsEntry("f", true).containsEntry("g", false);
        assertThatThrownBy(() -> EdnMapReader.readMap("{:a 1 :a 2}")).hasMessageContaining("duplicate key :a");
        assertThatThrownBy(() -> EdnMapReader.readMap("{:a [1 2]}")).hasMessageContaining("unsupported value");
    }
}
