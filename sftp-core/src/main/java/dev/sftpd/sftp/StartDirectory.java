// sftp-server's -d: "~" expansion, then %d (home), %u (user name), %U (uid) and %%.
package dev.sftpd.sftp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

public final class StartDirectory {
    private StartDirectory() {}

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
