// Specifies SyslogFacility's names and the codes <syslog.h> gives them.
package dev.sftpd.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SyslogFacilityTest {
    @Test
    void codesAreSyslogHValues() {
        assertEquals(3 << 3, SyslogFacility.DAEMON.code());
        assertEquals(1 << 3, SyslogFacility.USER.code());
        assertEquals(4 << 3, SyslogFacility.AUTH.code());
        assertEquals(10 << 3, SyslogFacility.AUTHPRIV.code());
        assertEquals(16 << 3, SyslogFacility.LOCAL0.code());
        assertEquals(23 << 3, SyslogFacility.LOCAL7.code());
    }

    @Test
    void localFacilitiesAreConsecutive() {
        for (int i = 0; i <= 7; i++) {
            assertEquals((16 + i) << 3, SyslogFacility.valueOf("LOCAL" + i).code());
        }
    }

    @Test
    void parsesNamesCaseInsensitively() {
        assertEquals(Optional.of(SyslogFacility.AUTH), SyslogFacility.parse("AUTH"));
        assertEquals(Optional.of(SyslogFacility.AUTHPRIV), SyslogFacility.parse("authpriv"));
        assertEquals(Optional.of(SyslogFacility.LOCAL3), SyslogFacility.parse("Local3"));
    }

    @Test
    void unknownNamesAreEmpty() {
        assertEquals(Optional.empty(), SyslogFacility.parse("KERN"));
        assertEquals(Optional.empty(), SyslogFacility.parse("LOCAL8"));
        assertEquals(Optional.empty(), SyslogFacility.parse(""));
        assertEquals(Optional.empty(), SyslogFacility.parse(null));
    }
}
