// OpenSSH's tilde_expand(): "~", "~/path", "~user" and "~user/path" to a home directory.
package dev.sftpd.sftp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

final class Tilde {
    private Tilde() {}

    /** The expanded path; unchanged when it does not start with "~"; empty for an unknown user. */
    static Optional<byte[]> expand(byte[] path, Accounts.User self, Accounts accounts) {
        if (path.length == 0 || path[0] != '~') {
            return Optional.of(path);
        }
        int slash = indexOf(path, (byte) '/', 1);
        int nameEnd = slash < 0 ? path.length : slash;
        byte[] home;
        if (nameEnd == 1) {
            home = self.home();
        } else {
            String name = new String(path, 1, nameEnd - 1, StandardCharsets.ISO_8859_1);
            Optional<Accounts.User> user = accounts.user(name);
            if (user.isEmpty()) {
                return Optional.empty();
            }
            home = user.get().home();
        }
        int rest = nameEnd;
        while (rest < path.length && path[rest] == '/') {
            rest++;
        }
        byte[] tail = Arrays.copyOfRange(path, rest, path.length);
        if (home.length > 0 && home[home.length - 1] == '/') {
            byte[] out = Arrays.copyOf(home, home.length + tail.length);
            System.arraycopy(tail, 0, out, home.length, tail.length);
            return Optional.of(out);
        }
        return Optional.of(Paths.join(home, tail));
    }

    private static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
