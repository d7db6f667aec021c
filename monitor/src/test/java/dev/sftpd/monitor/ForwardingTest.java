// How direct-tcpip requests are judged: sshd's forwarding switches, PermitOpen and the key's permitopen=, targets as written.
package dev.sftpd.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ForwardingTest {
    private static final Forwarding ANYWHERE = new Forwarding(true, List.of(Forwarding.ANY));

    @Test
    void forwardingOffOrTakenAwayByTheKeyIsNotForwarding() {
        assertEquals(Forwarding.Verdict.NOT_FORWARDING,
                new Forwarding(false, List.of(Forwarding.ANY)).judge(true, List.of(), "db", 5432));
        assertEquals(Forwarding.Verdict.NOT_FORWARDING, ANYWHERE.judge(false, List.of(), "db", 5432));
        assertEquals(Forwarding.Verdict.OPEN, ANYWHERE.judge(true, List.of(), "db", 5432));
    }

    @Test
    void permitOpenListsTargetsWithWildcardHostOrPort() {
        Forwarding f = new Forwarding(true, List.of("db:5432", "*:80", "[::1]:*", "cache/6379"));
        assertEquals(Forwarding.Verdict.OPEN, f.judge(true, List.of(), "db", 5432));
        assertEquals(Forwarding.Verdict.OPEN, f.judge(true, List.of(), "anything", 80));
        assertEquals(Forwarding.Verdict.OPEN, f.judge(true, List.of(), "::1", 22));
        assertEquals(Forwarding.Verdict.OPEN, f.judge(true, List.of(), "cache", 6379));
        assertEquals(Forwarding.Verdict.NOT_PERMITTED, f.judge(true, List.of(), "db", 5433));
        // As written: sshd compares names with strcmp(), no lookup and no case folding.
        assertEquals(Forwarding.Verdict.NOT_PERMITTED, f.judge(true, List.of(), "DB", 5432));
        assertEquals(Forwarding.Verdict.NOT_PERMITTED, f.judge(true, List.of(), "127.0.0.1", 6379));
    }

    @Test
    void noneOpensNothing() {
        assertEquals(Forwarding.Verdict.NOT_PERMITTED,
                new Forwarding(true, List.of(Forwarding.NONE)).judge(true, List.of(), "db", 5432));
    }

    @Test
    void theKeysPermitOpenMustAgreeWithTheConfigurations() {
        Forwarding f = new Forwarding(true, List.of("db:5432", "web:80"));
        assertEquals(Forwarding.Verdict.OPEN, f.judge(true, List.of("db:5432"), "db", 5432));
        assertEquals(Forwarding.Verdict.NOT_PERMITTED, f.judge(true, List.of("db:5432"), "web", 80));
        assertEquals(Forwarding.Verdict.NOT_PERMITTED, ANYWHERE.judge(true, List.of("db:5432"), "web", 80));
    }

    @Test
    void targetsAreParsedAsSshdsHpdelimAndPermitopenPort() {
        assertEquals(Optional.of(new Forwarding.Target("db", 5432)), Forwarding.target("db:5432"));
        assertEquals(Optional.of(new Forwarding.Target("2001:db8::1", 0)), Forwarding.target("[2001:db8::1]:*"));
        assertEquals(Optional.of(new Forwarding.Target("db", 22)), Forwarding.target("db/22"));
        for (String bad : List.of("db", "db:", ":22", "db:0", "db:65536", "db:http", "[::1]", "::1:22", "none", "any")) {
            assertEquals(Optional.empty(), Forwarding.target(bad), bad);
        }
    }
}
