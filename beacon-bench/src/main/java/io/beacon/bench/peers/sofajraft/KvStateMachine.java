package io.beacon.bench.peers.sofajraft;

import com.alipay.sofa.jraft.Closure;
import com.alipay.sofa.jraft.Iterator;
import com.alipay.sofa.jraft.Status;
import com.alipay.sofa.jraft.core.StateMachineAdapter;
import com.alipay.sofa.jraft.entity.LeaderChangeContext;
import com.alipay.sofa.jraft.error.RaftError;
import com.alipay.sofa.jraft.error.RaftException;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotReader;
import com.alipay.sofa.jraft.storage.snapshot.SnapshotWriter;
import com.alipay.sofa.jraft.util.ThreadPoolsFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SOFAJRaft peer's state machine: a map from key to value, changed only by committed {@link PutCommand}s
 * (applied on JRaft's state machine thread) and by loading a snapshot; read by any thread once a read index says
 * the read is linearizable. Also remembers the term of the latest leader this node knows of, since JRaft's
 * {@code Node} has no public getter for its current term.
 */
final class KvStateMachine extends StateMachineAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(KvStateMachine.class);

    private final String group;
    private final Map<String, byte[]> map = new ConcurrentHashMap<>();
    private volatile long leaderTerm = -1;

    /** The state machine of the raft group named group (whose JRaft thread pool writes the snapshots). */
    KvStateMachine(String group) {
        this.group = group;
    }

    /** The value of key, or null. */
    byte[] get(String key) {
        return map.get(key);
    }

    /** The term in which this node last led or followed a leader, or -1 before it knew of any. */
    long leaderTerm() {
        return leaderTerm;
    }

    @Override
    public void onApply(Iterator entries) {
        while (entries.hasNext()) {
            PutCommand put;
            try {
                put = PutCommand.decode(entries.getData());
            } catch (IllegalArgumentException e) {
                // Only this class's encoding is ever proposed: a failed decode is a bug or a corrupt log.
                entries.setErrorAndRollback(1, new Status(RaftError.ESTATEMACHINE, "entry %d: %s",
                        entries.getIndex(), e.getMessage()));
                return;
            }
            map.put(put.key(), put.value());
            Closure done = entries.done();
            if (done != null) {
                // Proposed by this node while it led: the client's request is waiting for this.
                done.run(Status.OK());
            }
            entries.next();
        }
    }

    /**
     * Copies the map here, on the state machine thread, so that the copy is exactly the state at the snapshot's
     * index, and writes it to the snapshot directory on another thread so that applying goes on meanwhile.
     */
    @Override
    public void onSnapshotSave(SnapshotWriter writer, Closure done) {
        Map<String, byte[]> copy = new HashMap<>(map);
        Path file = Path.of(writer.getPath(), MapSnapshot.FILE_NAME);
        ThreadPoolsFactory.runInThread(group, () -> {
            try {
                MapSnapshot.write(copy, file);
            } catch (IOException e) {
                done.run(new Status(RaftError.EIO, "cannot write the snapshot %s: %s", file, e.getMessage()));
                return;
            }
            if (writer.addFile(MapSnapshot.FILE_NAME)) {
                done.run(Status.OK());
            } else {
                done.run(new Status(RaftError.EIO, "cannot add %s to the snapshot", file));
            }
        });
    }

    @Override
    public boolean onSnapshotLoad(SnapshotReader reader) {
        if (reader.getFileMeta(MapSnapshot.FILE_NAME) == null) {
            LOG.error("snapshot {} has no {} file", reader.getPath(), MapSnapshot.FILE_NAME);
            return false;
        }
        Path file = Path.of(reader.getPath(), MapSnapshot.FILE_NAME);
        try {
            Map<String, byte[]> loaded = MapSnapshot.read(file);
            map.clear();
            map.putAll(loaded);
            LOG.info("loaded snapshot {} ({} keys)", file, loaded.size());
            return true;
        } catch (IOException e) {
            LOG.error("cannot read snapshot {}", file, e);
            return false;
        }
    }

    @Override
    public void onLeaderStart(long term) {
        leaderTerm = term;
        LOG.info("leading in term {}", term);
    }

    @Override
    public void onStartFollowing(LeaderChangeContext context) {
        leaderTerm = context.getTerm();
    }

    @Override
    public void onError(RaftException e) {
        LOG.error("the state machine stopped: {}", e.getStatus(), e);
    }
}
