package io.beacon.node;

import io.beacon.raft.Entry;
import io.beacon.raft.EntryType;
import io.beacon.raft.StateMachine;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A state machine for tests: the list of commands applied, as text; answers each with its position. */
final class RecordingMachine implements StateMachine {
    private final List<String> commands = new ArrayList<>();
    private volatile long appliedIndex;

    @Override
    public synchronized Object apply(Entry entry) {
        appliedIndex = entry.index();
        if (entry.type() != EntryType.COMMAND) {
            return null;
        }
        commands.add(new String(entry.data(), StandardCharsets.UTF_8));
        return commands.size();
    }

    @Override
    public long appliedIndex() {
        return appliedIndex;
    }

    @Override
    public synchronized FrozenState freeze() {
        List<String> frozen = List.copyOf(commands);
        return out -> writeSnapshot(frozen, out);
    }

    private static void writeSnapshot(List<String> commands, OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(commands.size());
        for (String command : commands) {
            data.writeUTF(command);
        }
        data.flush();
    }

    @Override
    public synchronized void restoreSnapshot(InputStream in, long index) throws IOException {
        DataInputStream data = new DataInputStream(in);
        commands.clear();
        int count = data.readInt();
        for (int i = 0; i < count; i++) {
            commands.add(data.readUTF());
        }
        appliedIndex = index;
    }

    synchronized List<String> commands() {
        return List.copyOf(commands);
    }
}
