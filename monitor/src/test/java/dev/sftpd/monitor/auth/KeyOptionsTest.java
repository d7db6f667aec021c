// Specifies authorized_keys option parsing as OpenSSH's sshauthopt_parse(): values, order and refusals.
package dev.sftpd.monitor.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyOptionsTest {
    private static final String KEY = " ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample comment";

    @Test
    void noOptionsPermitEverything() {
        KeyOptions o = KeyOptions.parse("");
        assertFalse(o.restrict() || o.noPortForwarding() || o.noPty() || o.noX11Forwarding()
                || o.noAgentForwarding() || o.noUserRc() || o.certAuthority());
        assertEquals(Optional.empty(), o.command());
        assertEquals(List.of(), o.from());
    }

    @Test
    void restrictTurnsEverythingOff() {
        KeyOptions o = KeyOptions.parse("restrict" + KEY);
        assertTrue(o.restrict() && o.noPortForwarding() && o.noPty() && o.noX11Forwarding()
                && o.noAgentForwarding() && o.noUserRc());
    }

    @Test
    void flagsAfterRestrictReEnableInLineOrder() {
        KeyOptions o = KeyOptions.parse("restrict,pty,port-forwarding,user-rc" + KEY);
        assertFalse(o.noPty() || o.noPortForwarding() || o.noUserRc());
        assertTrue(o.noX11Forwarding() && o.noAgentForwarding());
        assertTrue(KeyOptions.parse("pty,restrict" + KEY).noPty(), "restrict last wins");
    }

    @Test
    void negatedFlagsAreCaseInsensitive() {
        KeyOptions o = KeyOptions.parse("No-X11-Forwarding,NO-PTY,no-agent-forwarding,no-port-forwarding,no-user-rc" + KEY);
        assertTrue(o.noX11Forwarding() && o.noPty() && o.noAgentForwarding() && o.noPortForwarding() && o.noUserRc());
        assertFalse(o.restrict());
    }

    @Test
    void quotedValuesKeepCommasBlanksAndEscapedQuotes() {
        KeyOptions o = KeyOptions.parse("command=\"internal-sftp -d  /a,b \\\"x\\\"\",from=\"10.0.0.1,10.0.0.2\"" + KEY);
        assertEquals(Optional.of("internal-sftp -d  /a,b \"x\""), o.command());
        assertEquals(List.of("10.0.0.1", "10.0.0.2"), o.from());
    }

    @Test
    void recordsTheRestOfTheOptions() {
        KeyOptions o = KeyOptions.parse("cert-authority,principals=\"alice,bob\",environment=\"A=1\","
                + "environment=\"A=2\",environment=\"B_2=x=y\",permitopen=\"host:22\",permitopen=\"[::1]:*\","
                + "permitlisten=\"8080\",tunnel=\"any\",no-touch-required,verify-required" + KEY);
        assertTrue(o.certAuthority() && o.noTouchRequired() && o.verifyRequired());
        assertEquals(Optional.of("alice,bob"), o.principals());
        assertEquals(List.of("A=1", "B_2=x=y"), o.environment(), "the first value of a name wins");
        assertEquals(List.of("host:22", "[::1]:*"), o.permitOpen());
        assertEquals(List.of("*:8080"), o.permitListen(), "a bare listen port means any address");
        assertEquals(Optional.of("any"), o.tunnel());
    }

    @Test
    void theEarliestExpiryTimeHolds() {
        KeyOptions o = KeyOptions.parse("expiry-time=\"20300101\",expiry-time=\"202001011200Z\"" + KEY);
        assertEquals(Optional.of(Instant.parse("2020-01-01T12:00:00Z")), o.expiryTime());
        assertEquals(LocalDateTime.of(2030, 1, 1, 0, 0).atZone(ZoneId.systemDefault()).toInstant(),
                KeyOptions.parse("expiry-time=\"20300101\"").expiryTime().orElseThrow(), "local time without Z");
    }

    @Test
    void aCommaBeforeTheBlankIsAccepted() {
        assertTrue(KeyOptions.parse("no-pty," + KEY).noPty());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "bogus                                 | unknown key option",
        "no-pty,bogus                          | unknown key option",
        "ptyx                                  | unknown key option",
        "no-restrict                           | unknown key option",
        "command                               | unknown key option",
        "command=ls                            | missing start quote",
        "command=\"ls                          | missing end quote",
        "command=\"a\",command=\"b\"           | multiple \"command\" clauses",
        "from=\"a\",from=\"b\"                 | multiple \"from\" clauses",
        "principals=\"a\",principals=\"b\"     | multiple \"principals\" clauses",
        "no-pty,                               | unexpected end-of-options",
        "environment=\"NOVALUE\"               | invalid environment string",
        "environment=\"=x\"                    | invalid environment string",
        "environment=\"BAD-NAME=x\"            | invalid environment string",
        "permitopen=\"host\"                   | invalid permission port",
        "permitopen=\"host:0\"                 | invalid permission port",
        "permitopen=\"host:65536\"             | invalid permission port",
        "permitopen=\"[::1\"                   | invalid permission hostname",
        "permitopen=\"[::1]x22\"               | invalid permission hostname",
        "tunnel=\"tun0\"                       | invalid tun device",
        "expiry-time=\"2020\"                  | invalid expires time",
        "expiry-time=\"20201301\"              | invalid expires time",
        "expiry-time=\"19700101Z\"             | invalid expires time",
    })
    void refusesBadOptionsWithSshdsReason(String options, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyOptions.parse(options));
        assertEquals(reason, e.getMessage());
    }
}
