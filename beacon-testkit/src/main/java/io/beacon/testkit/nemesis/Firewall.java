// Owns: iptables rules between the nodes' loopback addresses, inside a network namespace of the nemesis's own.
// Never adds a rule in the namespace the nemesis was started from; removes exactly the rules it added.
package io.beacon.testkit.nemesis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Directed cuts between two addresses: {@code iptables -I INPUT -s FROM -d TO -j DROP}. On loopback each packet
 * passes OUTPUT and then INPUT once, so one such rule drops exactly the packets from FROM to TO, established
 * connections included: a one-way cut. A full cut between two nodes is two rules. TCP needs both directions, so
 * a one-way cut stalls every connection between the pair, but which side notices and when differs (the sender
 * sees no acknowledgements, the receiver nothing at all) — that asymmetry is the point of testing it.
 *
 * <p>iptables rules belong to a network namespace. So that a nemesis never touches the machine's own network,
 * {@link #inOwnNamespace()} refuses unless this process runs in a namespace other than the one named by
 * {@value #OUTER_NAMESPACE_VARIABLE}, which the script that started it under {@code unshare --net} sets (as
 * {@code bin/beacon-bench-cluster partition} does).
 */
public final class Firewall implements AutoCloseable {
    /** The environment variable naming the network namespace the nemesis was started from (net:[inode]). */
    public static final String OUTER_NAMESPACE_VARIABLE = "BEACON_NEMESIS_OUTER_NETNS";

    /** A cut of the packets from one address to another. */
    public record Cut(String from, String to) {
    }

    private final Set<Cut> cuts = new LinkedHashSet<>();

    private Firewall() {
    }

    /** A firewall for this process's network namespace; fails unless that is a namespace of our own. */
    public static Firewall inOwnNamespace() throws IOException {
        String why = whyNotOwnNamespace();
        if (why != null) {
            throw new IllegalStateException(why);
        }
        return new Firewall();
    }

    /** Why network faults may not run here, or null if they may. */
    public static String whyNotOwnNamespace() throws IOException {
        String outer = System.getenv(OUTER_NAMESPACE_VARIABLE);
        String own = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        if (outer == null || outer.isBlank() || outer.equals(own)) {
            return "network faults add iptables rules, so they run only in a network namespace of their own (this "
                    + "process is in " + own + ", " + OUTER_NAMESPACE_VARIABLE + " is " + outer + "): start the "
                    + "nemesis under unshare --net with " + OUTER_NAMESPACE_VARIABLE + " set to the namespace it was "
                    + "started from, as bin/beacon-nemesis does";
        }
        return null;
    }

    /** Drops packets from one address to another until healed. Cutting a cut already in place does nothing. */
    public synchronized void cut(String from, String to) throws IOException, InterruptedException {
        if (from.equals(to)) {
            throw new IllegalArgumentException("a node cannot be cut off from itself (" + from + ")");
        }
        Cut cut = new Cut(from, to);
        if (cuts.contains(cut)) {
            return;
        }
        iptables("-I", cut);
        cuts.add(cut);
    }

    /** Cuts both directions between two addresses. */
    public void cutBoth(String a, String b) throws IOException, InterruptedException {
        cut(a, b);
        cut(b, a);
    }

    /** The cuts in place. */
    public synchronized Set<Cut> cuts() {
        return Set.copyOf(cuts);
    }

    /** Removes every rule this firewall added, newest first. */
    public synchronized void healAll() throws IOException, InterruptedException {
        List<Cut> inPlace = new ArrayList<>(cuts);
        for (int i = inPlace.size() - 1; i >= 0; i--) {
            iptables("-D", inPlace.get(i));
            cuts.remove(inPlace.get(i));
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        healAll();
    }

    private static void iptables(String command, Cut cut) throws IOException, InterruptedException {
        List<String> arguments = List.of("iptables", "-w", command, "INPUT", "-s", cut.from(), "-d", cut.to(), "-j",
                "DROP");
        Process process;
        try {
            process = new ProcessBuilder(arguments).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + String.join(" ", arguments) + " (is iptables installed? apt-get "
                    + "install -y iptables): " + e.getMessage(), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", arguments) + " did not finish within 30 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", arguments) + " failed with exit status " + process.exitValue()
                    + (output.isEmpty() ? "" : ": " + output));
        }
    }
}
