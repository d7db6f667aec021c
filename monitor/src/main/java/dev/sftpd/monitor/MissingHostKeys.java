// sftpd's `ssh-keygen -A`: makes the host keys named on its command line that do not exist yet.
package dev.sftpd.monitor;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.Logging;
import dev.sftpd.log.SyslogFacility;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The package's postinst runs this with the keys `sftpd -T` names, as openssh-server's postinst
 * runs ssh-keygen: the unit checks the configuration with `sftpd -t` before every start, and that
 * check, like sshd's, fails when no host key exists, so the keys must exist before the first start.
 * The daemon makes missing default keys the same way (HostKeys.createMissing) when started by hand.
 */
public final class MissingHostKeys {
    private MissingHostKeys() {}

    public static void main(String[] args) {
        Logging.init("sftpd", LogLevel.INFO, SyslogFacility.AUTH, true);
        try {
            HostKeys.createMissing(Arrays.stream(args).map(Path::of).toList());
        } catch (Exception e) {
            System.err.println("sftpd: cannot make host keys: " + e.getMessage());
            System.exit(1);
        }
    }
}
