// sshd's allowed_user(): reasons an account may not log in at all, checked before any key or password.
package dev.sftpd.monitor.auth;

import dev.sftpd.log.SshLog;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.Stat;
import dev.sftpd.sftp.posix.SysCallException;
import java.nio.file.Path;
import java.util.Optional;

public final class AllowedUser {
    private static final SshLog LOG = SshLog.get(AllowedUser.class);
    private static final Path BSHELL = Path.of("/bin/sh");
    private static final int ANY_EXECUTE = 0111;

    private AllowedUser() {}

    /**
     * The refusal, logged at INFO as sshd logs it (fail2ban reads these lines), or empty when the
     * account may try to authenticate. Like sshd, callers skip this check when the session is chrooted.
     */
    public static Optional<String> refusal(Account a) {
        Path shell = a.shell().toString().isEmpty() ? BSHELL : a.shell();
        String reason;
        try {
            Stat st = Posix.get().stat(NativePath.bytes(shell));
            if (st.isRegular() && (st.mode() & ANY_EXECUTE) != 0) {
                return Optional.empty();
            }
            reason = String.format("User %.100s not allowed because shell %.100s is not executable", a.name(), shell);
        } catch (SysCallException e) {
            reason = String.format("User %.100s not allowed because shell %.100s does not exist", a.name(), shell);
        }
        LOG.info("%s", reason);
        return Optional.of(reason);
    }
}
