// Owns: what a fault may use while it runs — the cluster, the firewall, the event sink, the run's clock and its stop
// signal.
package io.beacon.testkit.nemesis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What faults work with: the cluster's processes, the firewall (null outside a namespace of our own, where
 * partitions cannot run), the sink of {@link FaultEvent}s, and the run's clock: event times are
 * {@code System.nanoTime() - runStartNanos}, the clock of the history.
 */
public final class FaultContext {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(1000)).build();

    private final ClusterProcesses cluster;
    private final Firewall firewall;
    private final Consumer<FaultEvent> sink;
    private final long runStartNanos;
    private final CountDownLatch stopping = new CountDownLatch(1);

    public FaultContext(ClusterProcesses cluster, Firewall firewall, Consumer<FaultEvent> sink, long runStartNanos) {
        this.cluster = cluster;
        this.firewall = firewall;
        this.sink = sink;
        this.runStartNanos = runStartNanos;
    }

    public ClusterProcesses cluster() {
        return cluster;
    }

    /** The firewall; fails with the reason if network faults cannot run here. */
    public Firewall firewall() {
        if (firewall == null) {
            throw new IllegalStateException("partition faults need a network namespace of the nemesis's own; none "
                    + "was given");
        }
        return firewall;
    }

    /** Nanoseconds since the run started, on the history's clock. */
    public long now() {
        return System.nanoTime() - runStartNanos;
    }

    /** The fault name of events about the nemesis itself rather than one fault (it stopped on an error). */
    public static final String NEMESIS = "nemesis";

    public void emit(FaultType type, FaultEvent.Phase phase, List<Integer> nodes, String detail, boolean tolerated) {
        emit(type.label(), phase, nodes, detail, tolerated);
    }

    public void emit(String fault, FaultEvent.Phase phase, List<Integer> nodes, String detail, boolean tolerated) {
        sink.accept(new FaultEvent(now(), fault, phase, nodes, detail, tolerated));
    }

    /** A note about a fault in force (what a node did about it). */
    public void note(FaultType type, List<Integer> nodes, String detail, boolean tolerated) {
        emit(type, FaultEvent.Phase.NOTE, nodes, detail, tolerated);
    }

    /** Waits, unless the run is asked to stop meanwhile; false if it was. */
    public boolean sleep(Duration duration) throws InterruptedException {
        return !stopping.await(Math.max(0, duration.toNanos()), TimeUnit.NANOSECONDS);
    }

    public boolean stopping() {
        return stopping.getCount() == 0;
    }

    void requestStop() {
        stopping.countDown();
    }

    /** Sends an operator's request (membership, leadership) to a node; the answer, whatever its status. */
    public HttpResponse<String> send(int node, String method, String pathAndQuery, Duration timeout)
            throws java.io.IOException, InterruptedException {
        URI uri = cluster.uri(node).resolve(pathAndQuery);
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
