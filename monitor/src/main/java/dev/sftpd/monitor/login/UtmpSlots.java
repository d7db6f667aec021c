// The daemon's utmp slots, numbered and reused as ptys are, so that utmp holds no more of its entries than sessions were open at once.
package dev.sftpd.monitor.login;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * pututxline finds the slot to write by ut_id, scanning utmp from the start, and appends when no
 * entry has it. loginrec.c takes ut_id from the line's last four characters: for "pts/3" that
 * is "ts/3", and pty numbers are reused, so utmp stays short. Our lines ("sftp" and a pid)
 * would give a new id for each of 10,000 pid endings: measured on a development machine, utmp
 * had grown to 6,139 entries (2.3 MB), and glibc read them one pread(2) each at every login and
 * logout, some 6 ms of the monitor's CPU per connection (docs/BENCHMARKS.md, 2026-12-08 02:25).
 *
 * <p>So a session's ut_id is "s" and the lowest free slot number in three base-36 digits
 * ("s000", "s001", ...), taken at login and given back at logout. Other programs' ids cannot
 * look like that (screen's "s/12" has a slash). The line, which last pairs a logout with its
 * login, is unchanged. Past 46,656 sessions at once, a session's id is its line's last four
 * characters, as before.
 */
final class UtmpSlots {
    private static final String PREFIX = "s";
    private static final int RADIX = 36;
    private static final int DIGITS = 3;
    static final int COUNT = RADIX * RADIX * RADIX;

    private final BitSet used = new BitSet(COUNT);
    /** The slot of each session logged in and not yet out, by the pid in its record. */
    private final Map<Integer, Integer> slots = new HashMap<>();

    /** The id for a login of the session with this pid and line: the lowest free slot's. */
    String take(int pid, String line) {
        int slot = used.nextClearBit(0);
        if (slot >= COUNT) {
            return Utmpx.abbreviated(line);
        }
        used.set(slot);
        slots.put(pid, slot);
        return id(slot);
    }

    /** The id the session's login was given, its slot free again; for a session never taken, its line's ending. */
    String release(int pid, String line) {
        Integer slot = slots.remove(pid);
        if (slot == null) {
            return Utmpx.abbreviated(line);
        }
        used.clear(slot);
        return id(slot);
    }

    /** A live session of an earlier daemon's holds this id: not to be given to another login. */
    void keep(int pid, String id) {
        int slot = slot(id);
        if (slot >= 0) {
            used.set(slot);
            slots.put(pid, slot);
        }
    }

    static String id(int slot) {
        StringBuilder id = new StringBuilder(Integer.toString(slot, RADIX));
        while (id.length() < DIGITS) {
            id.insert(0, '0');
        }
        return id.insert(0, PREFIX).toString();
    }

    /** The slot an id names, or -1 if it is not one of ours. */
    static int slot(String id) {
        if (id.length() != PREFIX.length() + DIGITS || !id.startsWith(PREFIX)) {
            return -1;
        }
        int slot = 0;
        for (int i = PREFIX.length(); i < id.length(); i++) {
            int digit = Character.digit(id.charAt(i), RADIX);
            if (digit < 0 || Character.isUpperCase(id.charAt(i))) {
                return -1;
            }
            slot = slot * RADIX + digit;
        }
        return slot;
    }
}
