// The syslog facilities OpenSSH accepts for SyslogFacility / sftp-server -f.
package dev.sftpd.log;

import java.util.Locale;
import java.util.Optional;

public enum SyslogFacility {
    DAEMON(3), USER(1), AUTH(4), AUTHPRIV(10),
    LOCAL0(16), LOCAL1(17), LOCAL2(18), LOCAL3(19), LOCAL4(20), LOCAL5(21), LOCAL6(22), LOCAL7(23);

    private final int number;

    SyslogFacility(int number) {
        this.number = number;
    }

    /** The facility as <syslog.h> defines it (LOG_AUTH is 4<<3), ready to be OR-ed with a priority. */
    public int code() {
        return number << 3;
    }

    /** Case-insensitive, as log_facility_number() compares. Empty if unknown. */
    public static Optional<SyslogFacility> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String upper = name.toUpperCase(Locale.ROOT);
        for (SyslogFacility facility : values()) {
            if (facility.name().equals(upper)) {
                return Optional.of(facility);
            }
        }
        return Optional.empty();
    }
}
