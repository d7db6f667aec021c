// sftp-server's -u and -d: the umask, and the start directory after "~", %d (home), %u (user), %U (uid) and %% expansion.
package dev.sftpd.sftp;

import dev.sftpd.log.SshLog;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

public final class StartDirectory {
    private static final SshLog log = SshLog.get(StartDirectory.class);

    private StartDirectory() {}

    /**
     * What sftp-server does with -u and -d before serving: sets the umask and changes to the
     * start directory (a failed chdir is logged and the session goes on where it is).
     */
    public static void enter(ServerOptions options, Accounts.User user, Accounts accounts) throws SessionEndException {
        Posix posix = Posix.get();
        options.umask().ifPresent(posix::umask);
        if (options.startDirectory().isEmpty()) {
            return;
        }
        byte[] dir = expand(options.startDirectory().get(), user, accounts);
        try {
            posix.chdir(dir);
        } catch (SysCallException e) {
            log.error("chdir to \"%s\" failed: %s", SftpSession.show(dir), e.reason());
        }
    }

    /** The directory for this user; an unknown ~user or %-escape ends the session as in OpenSSH. */
    public static byte[] expand(String spec, Accounts.User user, Accounts accounts) throws SessionEndException {
        byte[] tilded = Tilde.expand(spec.getBytes(StandardCharsets.ISO_8859_1), user, accounts)
                .orElseThrow(() -> new SessionEndException(SessionEndException.FATAL,
                        "tilde_expand_filename: No such user in \"" + spec + "\""));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < tilded.length; i++) {
            if (tilded[i] != '%') {
                out.write(tilded[i]);
                continue;
            }
            char key = i + 1 < tilded.length ? (char) tilded[++i] : '\0';
            switch (key) {
                case '%' -> out.write('%');
                case 'd' -> out.writeBytes(user.home());
                case 'u' -> out.writeBytes(user.name().getBytes(StandardCharsets.ISO_8859_1));
                case 'U' -> out.writeBytes(Integer.toUnsignedString(user.uid()).getBytes(StandardCharsets.US_ASCII));
                default -> throw new SessionEndException(SessionEndException.FATAL,
                        key == '\0' ? "percent_expand: invalid format" : "percent_expand: unknown key %" + key);
            }
        }
        return out.toByteArray();
    }
}
