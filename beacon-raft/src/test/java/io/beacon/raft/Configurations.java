package io.beacon.raft;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** Short ways to write configurations in tests. */
final class Configurations {
    private Configurations() {
    }

    static TreeSet<Long> ids(long... ids) {
        TreeSet<Long> set = new TreeSet<>();
        for (long id : ids) {
            set.add(id);
        }
        return set;
    }

    static Configuration simple(long... voters) {
        return new Configuration(ids(voters), ids(), ids(), new TreeMap<>());
    }

    /** C_new = incoming, C_old = outgoing. */
    static Configuration joint(TreeSet<Long> incoming, TreeSet<Long> outgoing) {
        return new Configuration(incoming, outgoing, ids(), new TreeMap<>());
    }

    /** These voters (joint or not) with these learners, some of them to be promoted. */
    static Configuration learners(Configuration voters, Map<Long, Long> promotions, long... learners) {
        return new Configuration(voters.voters(), voters.outgoingVoters(), ids(learners), new TreeMap<>(promotions));
    }
}
