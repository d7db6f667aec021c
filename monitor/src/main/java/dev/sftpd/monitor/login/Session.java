// One SFTP session as the login records describe it.
package dev.sftpd.monitor.login;

import java.net.InetAddress;
import java.time.Instant;

/**
 * {@code line} stands in for a tty (SFTP sessions have none), e.g. "sftp12345"; last pairs a
 * logout with its login by it. The utmp slot (ut_id) is the recorder's choice (UtmpSlots).
 * {@code host} is what last and lastlog print, normally {@code address} as text.
 */
public record Session(int pid, String line, String user, int uid, InetAddress address, String host,
        Instant loginTime) {
}
