// OpenSSH match_pattern_list semantics for -p/-P request lists.
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MatchListTest {
    @Test
    void plainNamesMatchExactly() {
        MatchList l = MatchList.parse("remove,rmdir");
        assertTrue(l.matches("remove"));
        assertTrue(l.matches("rmdir"));
        assertFalse(l.matches("rename"));
        assertFalse(l.matches("remov"));
    }

    @Test
    void starMatchesAnyRunIncludingEmpty() {
        assertTrue(MatchList.parse("*stat*").matches("fstatvfs"));
        assertTrue(MatchList.parse("*stat*").matches("stat"));
        assertTrue(MatchList.parse("r*").matches("rmdir"));
        assertFalse(MatchList.parse("r*").matches("open"));
    }

    @Test
    void questionMarkMatchesOneCharacter() {
        assertTrue(MatchList.parse("?stat").matches("lstat"));
        assertFalse(MatchList.parse("?stat").matches("stat"));
    }

    @Test
    void negationWinsOverAPositiveMatch() {
        MatchList l = MatchList.parse("*stat*,!statvfs");
        assertTrue(l.matches("lstat"));
        assertFalse(l.matches("statvfs"));
    }

    @Test
    void aListOfOnlyNegationsMatchesNothing() {
        assertFalse(MatchList.parse("!remove").matches("open"));
    }
}
