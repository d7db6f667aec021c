// sftp-server's -p/-P lists: exact request names, as OpenSSH's match_list().
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MatchListTest {
    @Test
    void namesMatchExactly() {
        MatchList l = MatchList.parse("remove,rmdir");
        assertTrue(l.matches("remove"));
        assertTrue(l.matches("rmdir"));
        assertFalse(l.matches("rename"));
        assertFalse(l.matches("remov"));
    }

    @Test
    void wildcardsAreNotPatterns() {
        assertFalse(MatchList.parse("*stat*").matches("lstat"));
        assertFalse(MatchList.parse("r*").matches("rmdir"));
        assertTrue(MatchList.parse("*stat*").matches("*stat*"));
    }
}
