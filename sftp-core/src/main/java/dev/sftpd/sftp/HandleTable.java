// Open files and directories of one session, named on the wire by a 4-byte index as OpenSSH does.
package dev.sftpd.sftp;

import dev.sftpd.sftp.posix.Posix;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

final class HandleTable {
    /** What a handle refers to; the name is the path as the client gave it. */
    sealed interface Handle permits FileHandle, DirHandle {
        byte[] name();
    }

    static final class FileHandle implements Handle {
        final int fd;
        final int flags;
        private final byte[] name;
        long bytesRead;
        long bytesWritten;
        /** Where the last READ ended if it returned all it asked for, else -1: see FileRequests.read. */
        long readThrough = -1;

        FileHandle(int fd, int flags, byte[] name) {
            this.fd = fd;
            this.flags = flags;
            this.name = name;
        }

        @Override
        public byte[] name() {
            return name;
        }

        boolean appending() {
            return (flags & Posix.O_APPEND) != 0;
        }
    }

    record DirHandle(Posix.DirStream dir, byte[] name) implements Handle {}

    private final List<Handle> slots = new ArrayList<>();
    /** Freed slots, reused most recent first like OpenSSH's free list. */
    private final ArrayList<Integer> free = new ArrayList<>();

    int add(Handle h) {
        if (!free.isEmpty()) {
            int i = free.remove(free.size() - 1);
            slots.set(i, h);
            return i;
        }
        slots.add(h);
        return slots.size() - 1;
    }

    /** The handle a wire string names, or null when it names none (wrong length, closed, unknown). */
    Handle lookup(byte[] wire) {
        if (wire.length != 4) {
            return null;
        }
        int i = (wire[0] & 0xff) << 24 | (wire[1] & 0xff) << 16 | (wire[2] & 0xff) << 8 | (wire[3] & 0xff);
        return i >= 0 && i < slots.size() ? slots.get(i) : null;
    }

    void remove(Handle h) {
        int i = slots.indexOf(h);
        slots.set(i, null);
        free.add(i);
    }

    static byte[] wire(int index) {
        return new byte[] {(byte) (index >>> 24), (byte) (index >>> 16), (byte) (index >>> 8), (byte) index};
    }

    void forEachOpen(Consumer<Handle> action) {
        for (Handle h : slots) {
            if (h != null) {
                action.accept(h);
            }
        }
    }
}
