// AllowTcpForwarding, DisableForwarding and PermitOpen as sshd reads them, with sftpd's default of no forwarding.
package dev.sftpd.server.config;

import static dev.sftpd.server.config.ConfigFile.assertRoundTrip;
import static dev.sftpd.server.config.ConfigFile.at;
import static dev.sftpd.server.config.ConfigFile.dumped;
import static dev.sftpd.server.config.ConfigFile.error;
import static dev.sftpd.server.config.ConfigFile.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForwardingKeywordsTest {
    @TempDir
    Path dir;

    @Test
    void forwardingIsOffUnlessTurnedOn() throws Exception {
        assertFalse(parse(dir).forwarding().local());
        assertTrue(parse(dir, "AllowTcpForwarding local").forwarding().local());
        assertFalse(parse(dir, "AllowTcpForwarding remote").forwarding().local());
        assertFalse(parse(dir, "DisableForwarding yes", "AllowTcpForwarding yes").forwarding().local());
    }

    @Test
    void allIsPrintedAsYesAsSshdPrintsIt() throws Exception {
        assertEquals(List.of("allowtcpforwarding yes"), dumped(dir, "allowtcpforwarding", "AllowTcpForwarding all"));
        assertRoundTrip(dir, "AllowTcpForwarding local", "DisableForwarding yes", "PermitOpen db:5432 [::1]:*");
    }

    @Test
    void permitOpenTakesTargetsOnOneLineOrAnyOrNoneAlone() throws Exception {
        assertEquals(List.of("permitopen any"), dumped(dir, "permitopen"));
        assertEquals(List.of("permitopen db:5432 web/80"), dumped(dir, "permitopen", "PermitOpen db:5432 web/80",
                "PermitOpen other:1"));
        assertEquals(at(dir, 1) + ": keyword PermitOpen \"none\" argument must appear alone.",
                error(dir, "PermitOpen db:1 none"));
        assertEquals(at(dir, 1) + ": bad port number or missing host in PermitOpen: \"db\"",
                error(dir, "PermitOpen db"));
        assertEquals(at(dir, 1) + ": unsupported option \"sometimes\".", error(dir, "AllowTcpForwarding sometimes"));
    }
}
