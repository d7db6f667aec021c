// Specifies which AllowUsers/DenyUsers/AllowGroups/DenyGroups patterns are refused up front, as sshd refuses them.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessRulesTest {
    /** Each case checked against OpenSSH 9.2's sshd -t with the pattern on an AllowUsers line. */
    @ParameterizedTest(name = "\"{0}\" is valid: {1}")
    @CsvSource(delimiter = '|', value = {
        "bob                  | true",
        "b*                   | true",
        "!bob                 | true",
        "@x                   | true",
        "bob@10.0.0.0/8       | true",
        "bob@!10.0.0.0/8,*    | true",
        "bob@2001:db8::/32    | true",
        "a@b@10.0.0.1/8       | true",
        "''                   | false",
        "bob@                 | false",
        "bob@!                | false",
        "bob@10.0.0.0/33      | false",
        "bob@1.2.3.4/8        | false",
        "bob@10.0.0.1/8,      | false",
        "bob@host,10.0.0.1/8  | false",
        "bob@::1/64           | false",
    })
    void userPatterns(String pattern, boolean valid) {
        assertEquals(valid, AccessRules.validUserPattern(pattern));
    }

    @Test
    void refusesAnInvalidUserPattern() {
        assertEquals("invalid user pattern \"bob@1.2.3.4/8\"", assertThrows(IllegalArgumentException.class,
                () -> new AccessRules(List.of(), List.of("bob@1.2.3.4/8"), List.of(), List.of())).getMessage());
    }

    @Test
    void refusesAnEmptyGroupPattern() {
        assertThrows(IllegalArgumentException.class,
                () -> new AccessRules(List.of(), List.of(), List.of("staff", ""), List.of()));
    }

    @Test
    void keepsItsOwnCopies() {
        List<String> allow = new ArrayList<>(List.of("bob"));
        AccessRules rules = new AccessRules(allow, List.of(), List.of(), List.of());
        allow.add("alice");
        assertEquals(List.of("bob"), rules.allowUsers());
    }
}
