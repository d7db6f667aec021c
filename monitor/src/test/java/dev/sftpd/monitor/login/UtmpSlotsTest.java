// UtmpSlots: ids that name numbered slots, lowest free first, and never another program's id.
package dev.sftpd.monitor.login;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class UtmpSlotsTest {
    @Test
    void idsAreSAndThreeBase36Digits() {
        assertEquals(List.of("s000", "s001", "s00z", "s010", "szzz"),
                List.of(UtmpSlots.id(0), UtmpSlots.id(1), UtmpSlots.id(35), UtmpSlots.id(36),
                        UtmpSlots.id(UtmpSlots.COUNT - 1)));
        assertEquals(List.of(0, 37, UtmpSlots.COUNT - 1), List.of(UtmpSlots.slot("s000"), UtmpSlots.slot("s011"),
                UtmpSlots.slot("szzz")));
    }

    /** screen's "s/12", an sshd pty's "ts/3", a getty's "tty1", our old pid endings: none is a slot of ours. */
    @Test
    void otherIdsAreNotSlots() {
        for (String id : List.of("s/12", "ts/3", "tty1", "2345", "S000", "s00", "s0000", "")) {
            assertEquals(-1, UtmpSlots.slot(id), id);
        }
    }

    @Test
    void theLowestFreeSlotIsTakenAndALoginNeverTakenIsReleasedByItsLine() {
        UtmpSlots slots = new UtmpSlots();
        assertEquals("s000", slots.take(100, "sftp100"));
        assertEquals("s001", slots.take(101, "sftp101"));
        assertEquals("s000", slots.release(100, "sftp100"));
        assertEquals("s000", slots.take(102, "sftp102"));
        assertEquals("p999", slots.release(999, "sftp999"), "a session this daemon never logged in");
    }

    @Test
    void keptSlotsAreSkippedAndPastTheLastSlotTheLineEndingIsUsed() {
        UtmpSlots slots = new UtmpSlots();
        slots.keep(7, "s000");
        slots.keep(8, "ts/3");
        assertEquals("s001", slots.take(9, "sftp9"));
        assertEquals("s000", slots.release(7, "sftp7"));
        for (int pid = 10; pid < UtmpSlots.COUNT + 9; pid++) {
            slots.take(pid, "sftp" + pid);
        }
        assertEquals("2345", slots.take(12345, "sftp12345"));
    }
}
