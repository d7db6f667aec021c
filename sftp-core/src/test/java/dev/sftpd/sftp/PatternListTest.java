// OpenSSH match_pattern_list semantics: wildcards and negation.
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PatternListTest {
    @Test
    void plainNamesMatchExactly() {
        PatternList l = PatternList.parse("remove,rmdir");
        assertTrue(l.matches("remove"));
        assertTrue(l.matches("rmdir"));
        assertFalse(l.matches("rename"));
        assertFalse(l.matches("remov"));
    }

    @Test
    void starMatchesAnyRunIncludingEmpty() {
        assertTrue(PatternList.parse("*stat*").matches("fstatvfs"));
        assertTrue(PatternList.parse("*stat*").matches("stat"));
        assertTrue(PatternList.parse("r*").matches("rmdir"));
        assertFalse(PatternList.parse("r*").matches("open"));
    }

    @Test
    void questionMarkMatchesOneCharacter() {
        assertTrue(PatternList.parse("?stat").matches("lstat"));
        assertFalse(PatternList.parse("?stat").matches("stat"));
    }

    @Test
    void negationWinsOverAPositiveMatch() {
        PatternList l = PatternList.parse("*stat*,!statvfs");
        assertTrue(l.matches("lstat"));
        assertFalse(l.matches("statvfs"));
    }

    @Test
    void aListOfOnlyNegationsMatchesNothing() {
        assertFalse(PatternList.parse("!remove").matches("open"));
    }
}
