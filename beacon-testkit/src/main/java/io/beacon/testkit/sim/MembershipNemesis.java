package io.beacon.testkit.sim;

import io.beacon.raft.Configuration;
import io.beacon.raft.MembershipChange;
import io.beacon.raft.ProposalRejectedException;
import io.beacon.raft.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Changes the cluster's members at random, through the leader, as an operator would: adds voters and learners
 * (empty servers), removes members (the leader too), replaces voters, re-adds a removed server with its old
 * data, wipes a member's data so it comes back as a new incarnation to be swapped in, and transfers leadership.
 * A removed server keeps running: it must not disrupt the cluster.
 *
 * <p>It never wipes a member while another is wiped and not yet replaced, so a majority of every configuration
 * always survives and the cluster can recover once faults end. Only pre-vote together with check-quorum keeps
 * a removed server that missed its removal from disrupting the cluster (§4.2.3); without them, removed servers
 * are shut down once their removal commits, as an operator would.
 */
final class MembershipNemesis {
    private final SplittableRandom random;
    private final List<SimNode> servers;
    private final long tickMicros;
    private final Consumer<String> timeline;
    private final boolean stopRemovedServers;
    /** Members whose removal was proposed, to shut down once it commits. */
    private final java.util.TreeSet<Long> toStop = new java.util.TreeSet<>();

    MembershipNemesis(SplittableRandom random, List<SimNode> servers, long tickMicros, boolean stopRemovedServers,
                      Consumer<String> timeline) {
        this.random = random;
        this.servers = servers;
        this.tickMicros = tickMicros;
        this.stopRemovedServers = stopRemovedServers;
        this.timeline = timeline;
    }

    /** One random change, if there is a leader to ask. */
    void act() {
        SimNode leader = leader();
        if (leader == null) {
            return;
        }
        Configuration members = leader.raft().configuration();
        stopRemoved(leader);
        if (deadMember(members) != 0) {
            // Any other change could leave a configuration whose majority includes the dead member; an operator
            // who lost a server's data swaps it out first.
            repair();
            return;
        }
        switch (random.nextInt(8)) {
            case 0 -> addEmptyServer(leader, members, true);
            case 1 -> addEmptyServer(leader, members, false);
            case 2 -> {
                SimNode removed = pick(server -> members.isMember(server.id()) && server != leader);
                if (removed != null) {
                    request(leader, new MembershipChange.RemoveMember(removed.id()));
                }
            }
            case 3 -> request(leader, new MembershipChange.RemoveMember(leader.id()));
            case 4 -> {
                SimNode replaced = pick(server -> members.voters().contains(server.id()));
                SimNode fresh = freshServer(members);
                if (replaced != null && fresh != null) {
                    request(leader, new MembershipChange.ReplaceVoter(replaced.id(), fresh.id()));
                }
            }
            case 5 -> {
                // A removed server comes back with the data it had.
                SimNode old = pick(server -> !slotInUse(members, server) && server.hasData());
                if (old != null && request(leader, new MembershipChange.AddVoter(old.id()))) {
                    toStop.remove(old.id());
                    if (!old.isUp()) {
                        old.start(tickMicros);
                    }
                }
            }
            case 6 -> wipe(leader, members);
            default -> {
                SimNode target = pick(server -> members.voters().contains(server.id()) && server != leader);
                if (target != null) {
                    timeline.accept("transfer leadership " + leader.id() + " -> " + target.id());
                    tryTransfer(leader, target.id());
                }
            }
        }
    }

    private void addEmptyServer(SimNode leader, Configuration members, boolean voter) {
        SimNode fresh = freshServer(members);
        if (fresh != null) {
            request(leader, voter ? new MembershipChange.AddVoter(fresh.id())
                    : new MembershipChange.AddLearner(fresh.id()));
        }
    }

    /** A server outside the configuration, wiped and started as a new, empty incarnation. */
    private SimNode freshServer(Configuration members) {
        SimNode server = pick(candidate -> !slotInUse(members, candidate));
        if (server == null) {
            return null;
        }
        server.wipe(random.split());
        server.start(tickMicros);
        timeline.accept("empty server " + server.id() + " started");
        return server;
    }

    /** Wipes a member (not the leader); its new incarnation is swapped in by replace() or at repair. */
    private void wipe(SimNode leader, Configuration members) {
        // One dead member at a time, and only where the others still make a majority.
        if (deadMember(members) != 0 || members.voters().size() < 3 || members.isJoint()) {
            return;
        }
        SimNode victim = pick(server -> members.isMember(server.id()) && server != leader);
        if (victim == null) {
            return;
        }
        long old = victim.id();
        victim.wipe(random.split());
        victim.start(tickMicros);
        timeline.accept("wiped member " + old + ", back as " + victim.id());
        if (members.learners().contains(old)) {
            request(leader, new MembershipChange.RemoveMember(old));
        } else {
            request(leader, new MembershipChange.ReplaceVoter(old, victim.id()));
        }
    }

    /**
     * After faults end: removes members whose server was wiped (or swaps in its new incarnation), and shuts down
     * removed servers that could disrupt. Returns whether the configuration has only live members, no change is in
     * flight (the leader's latest configuration is committed, so a removal cannot commit after the repair and leave
     * its server running), and (where removed servers are shut down) no server the leader does not count still runs
     * with data.
     */
    boolean repair() {
        java.util.Set<Long> known = membersKnownAnywhere();
        for (long member : known) {
            // A member whose server is down only because a fault or the nemesis left it so comes back.
            SimNode server = servers.get((int) SimNode.slotOf(member) - 1);
            if (server.id() == member && !server.isUp()) {
                timeline.accept("start member " + member);
                server.start(tickMicros);
            }
        }
        SimNode leader = leader();
        if (leader == null) {
            return false;
        }
        Configuration members = leader.raft().configuration();
        stopRemoved(leader);
        if (stopRemovedServers) {
            retireStrays(membersVouchedFor(leader));
        }
        long dead = deadMember(members);
        if (dead == 0) {
            // A server started above only because a lagging member's view still counted it is retired once that
            // view catches up: until then the repair is not over.
            return !members.isJoint() && members.promotions().isEmpty()
                    && members.equals(leader.raft().committedConfiguration())
                    && (!stopRemovedServers || !runsUncounted(leader));
        }
        SimNode server = servers.get((int) SimNode.slotOf(dead) - 1);
        if (members.voters().contains(dead) && !members.isMember(server.id())) {
            request(leader, new MembershipChange.ReplaceVoter(dead, server.id()));
        } else {
            request(leader, new MembershipChange.RemoveMember(dead));
        }
        return false;
    }

    /**
     * Whether the server's slot holds (or held) a member: of the leader's latest configuration or of the last
     * one it knows committed — a server may only be wiped for reuse once no configuration in force counts it —
     * or the leader itself.
     */
    private boolean slotInUse(Configuration members, SimNode server) {
        SimNode leader = leader();
        if (server == leader) {
            return true;
        }
        java.util.Set<Long> counted = new java.util.TreeSet<>(members.members());
        if (leader != null) {
            counted.addAll(leader.raft().committedConfiguration().members());
        }
        for (long member : counted) {
            if (SimNode.slotOf(member) == server.slot()) {
                return true;
            }
        }
        return false;
    }

    /** A member whose server now runs another incarnation (0 if none). */
    private long deadMember(Configuration members) {
        for (long member : members.members()) {
            SimNode server = servers.get((int) SimNode.slotOf(member) - 1);
            if (server.id() != member) {
                return member;
            }
        }
        return 0;
    }

    /** Shuts down servers whose removal has committed, where nothing else stops them from disrupting. */
    private void stopRemoved(SimNode leader) {
        for (java.util.Iterator<Long> it = toStop.iterator(); it.hasNext(); ) {
            long member = it.next();
            if (!leader.raft().committedConfiguration().isMember(member)
                    && !leader.raft().configuration().isMember(member)) {
                it.remove();
                SimNode server = servers.get((int) SimNode.slotOf(member) - 1);
                if (server.id() == member) {
                    timeline.accept("stop removed server " + member);
                    server.retire(random.split());
                }
            }
        }
    }

    /**
     * Shuts down every running server with data that neither the leader's configurations nor another running
     * server's configuration count: a re-add
     * that was proposed and then lost leaves such a server running, and without pre-vote and check-quorum it
     * would disrupt the cluster. A fresh server waiting to be added has nothing to campaign with and stays.
     */
    private void retireStrays(java.util.Set<Long> known) {
        for (SimNode server : servers) {
            if (server.isUp() && !known.contains(server.id()) && server.hasData()) {
                timeline.accept("stop stray server " + server.id());
                toStop.remove(server.id());
                server.retire(random.split());
            }
        }
    }

    /**
     * The members the leader's configurations count, and those that the latest configuration of a running member
     * counts besides itself: a lagging member may still count a server the leader already removed. A server the leader
     * does not count vouches for nobody, so two removed servers cannot keep each other running.
     */
    private java.util.Set<Long> membersVouchedFor(SimNode leader) {
        java.util.Set<Long> counted = new java.util.TreeSet<>(leader.raft().configuration().members());
        counted.addAll(leader.raft().committedConfiguration().members());
        counted.add(leader.id());
        java.util.Set<Long> vouched = new java.util.TreeSet<>(counted);
        for (SimNode server : servers) {
            if (server.isUp() && server != leader && counted.contains(server.id())) {
                for (long member : server.raft().configuration().members()) {
                    if (member != server.id()) {
                        vouched.add(member);
                    }
                }
            }
        }
        return vouched;
    }

    /** Whether a server with data runs that neither the leader's latest nor its committed configuration counts. */
    private boolean runsUncounted(SimNode leader) {
        for (SimNode server : servers) {
            if (server.isUp() && server != leader && server.hasData()
                    && !leader.raft().configuration().isMember(server.id())
                    && !leader.raft().committedConfiguration().isMember(server.id())) {
                return true;
            }
        }
        return false;
    }

    /** Every member of the latest configuration of any running server, except in that server itself. */
    private java.util.Set<Long> membersKnownAnywhere() {
        java.util.Set<Long> known = new java.util.TreeSet<>();
        for (SimNode server : servers) {
            if (server.isUp()) {
                for (long member : server.raft().configuration().members()) {
                    if (member != server.id()) {
                        known.add(member);
                    }
                }
            }
        }
        return known;
    }

    /** Asks the leader for a change; returns whether it was proposed. */
    private boolean request(SimNode leader, MembershipChange change) {
        try {
            long index = leader.raft().changeMembership(change);
            timeline.accept("membership " + describe(change) + " proposed at " + index + " by " + leader.id());
            if (stopRemovedServers && change instanceof MembershipChange.RemoveMember remove) {
                toStop.add(remove.id());
            } else if (stopRemovedServers && change instanceof MembershipChange.ReplaceVoter replace) {
                toStop.add(replace.replaced());
            }
            leader.process();
            return true;
        } catch (ProposalRejectedException | IllegalArgumentException e) {
            timeline.accept("membership " + describe(change) + " refused: " + e.getMessage());
            return false;
        }
    }

    private void tryTransfer(SimNode leader, long target) {
        try {
            leader.raft().transferLeadership(target);
            leader.process();
        } catch (ProposalRejectedException | IllegalArgumentException e) {
            timeline.accept("transfer refused: " + e.getMessage());
        }
    }

    private static String describe(MembershipChange change) {
        if (change instanceof MembershipChange.ReplaceVoter replace) {
            return "replace " + replace.replaced() + " with " + replace.id();
        }
        String name = change.getClass().getSimpleName();
        return name.substring(0, 1).toLowerCase() + name.substring(1) + " " + change.id();
    }

    private SimNode leader() {
        for (SimNode server : servers) {
            if (server.isRunning() && server.raft().role() == Role.LEADER) {
                return server;
            }
        }
        return null;
    }

    private SimNode pick(Predicate<SimNode> filter) {
        List<SimNode> candidates = new ArrayList<>();
        for (SimNode server : servers) {
            if (filter.test(server)) {
                candidates.add(server);
            }
        }
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }
}
