// OpenFds: the descriptors listed are exactly those open, without the listing's own.
package dev.sftpd.privsep;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SortedSet;
import org.junit.jupiter.api.Test;

class OpenFdsTest {
    @Test
    void aDescriptorIsListedWhileOpenAndNotAfterClose() throws Exception {
        Fd[] pair = Sockets.socketpair();
        int a = pair[0].fd();
        int b = pair[1].fd();
        SortedSet<Integer> open = OpenFds.list();
        assertTrue(open.containsAll(List.of(0, 1, 2, a, b)), open.toString());
        pair[0].close();
        pair[1].close();
        SortedSet<Integer> closed = OpenFds.list();
        assertFalse(closed.contains(a) || closed.contains(b), closed.toString());
    }

    @Test
    void theListingsOwnDirectoryDescriptorIsNotListed() throws Exception {
        Fd[] pair = Sockets.socketpair();
        int lowestFree = Math.min(pair[0].fd(), pair[1].fd());
        pair[0].close();
        pair[1].close();
        // Reading /proc/self/fd opens the lowest free number, which is closed again when listed.
        SortedSet<Integer> listed = OpenFds.list();
        assertFalse(listed.contains(lowestFree), listed + " has the directory's fd " + lowestFree);
    }
}
