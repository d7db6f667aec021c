// One authorized_keys entry as sshd's auth_check_authkey_line() reads it: options, if any, then a key.
package dev.sftpd.monitor.auth;

import dev.sftpd.log.SshLog;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Optional;

/**
 * A line starts either with a key or with options, which may quote blanks, and a key after them.
 * Lines are parsed here rather than by MINA's reader, which gives up on the whole file at the
 * first line it cannot parse. Plain keys and cert-authority lines are both read through here.
 */
record AuthorizedKeysLine(KeyOptions options, PublicKey key) {
    private static final SshLog LOG = SshLog.get(AuthorizedKeysLine.class);

    /** The entry, or empty when the line holds no key or bad options (logged as sshd logs them); {@code loc} is "file:line". */
    static Optional<AuthorizedKeysLine> read(String loc, String line) {
        String options = "";
        Optional<PublicKey> key = readKey(line);
        if (key.isEmpty()) {
            int end = pastOptions(line);
            if (end < 0) {
                LOG.error("invalid key option string at %s", loc);
                return Optional.empty();
            }
            options = line;
            key = readKey(line.substring(skipBlanks(line, end)));
            if (key.isEmpty()) {
                LOG.debug2("%s: no key after the options, line skipped", loc);
                return Optional.empty();
            }
        }
        try {
            return Optional.of(new AuthorizedKeysLine(KeyOptions.parse(options), key.get()));
        } catch (IllegalArgumentException e) {
            LOG.debug1("%s: bad key options: %s", loc, e.getMessage());
            return Optional.empty();
        }
    }

    /** sshkey_read(): a key type, blanks, then base64 of a blob holding a key of that very type. */
    static Optional<PublicKey> readKey(String s) {
        int typeEnd = blankAt(s, 0);
        if (typeEnd == s.length()) {
            return Optional.empty();
        }
        String type = s.substring(0, typeEnd);
        int blobStart = skipBlanks(s, typeEnd);
        String base64 = s.substring(blobStart, blankAt(s, blobStart));
        try {
            PublicKey key = Keys.fromBlob(Base64.getDecoder().decode(base64));
            return Keys.type(key).equals(type) ? Optional.of(key) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** sshkey_advance_past_options(): the index of the first blank outside quotes, -1 if a quote is left open. */
    private static int pastOptions(String s) {
        boolean quoted = false;
        int i = 0;
        for (; i < s.length() && (quoted || !blank(s.charAt(i))); i++) {
            if (s.charAt(i) == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                i++;
            } else if (s.charAt(i) == '"') {
                quoted = !quoted;
            }
        }
        return i == s.length() && quoted ? -1 : i;
    }

    private static int blankAt(String s, int from) {
        int i = from;
        while (i < s.length() && !blank(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipBlanks(String s, int from) {
        int i = from;
        while (i < s.length() && blank(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean blank(char c) {
        return c == ' ' || c == '\t';
    }
}
