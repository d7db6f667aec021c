// The monitor's publickey decision: is this key authorised for this user from this address (auth2-pubkeyfile.c)?
package dev.sftpd.monitor.auth;

import dev.sftpd.log.SshLog;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Files are read in order and lines top to bottom; the first line whose key equals the client's
 * and whose options admit it wins. A line refused by its options (from=, expiry-time) does not
 * end the search: a later line for the same key may still allow it, as in sshd. Certificates
 * and cert-authority lines never match for now. Lines are parsed here rather than by MINA's
 * reader, which gives up on the whole file at the first line it cannot parse.
 */
public final class AuthorizedKeys {
    private static final SshLog LOG = SshLog.get(AuthorizedKeys.class);
    private static final DateTimeFormatter ABSOLUTE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private AuthorizedKeys() {}

    /**
     * The options of the first entry for {@code key} that admits {@code clientAddress}, or empty.
     * {@code files} are already expanded (%h, %u: /home/alice/.ssh/authorized_keys); {@code strict}
     * is StrictModes. Unlike sshd, which opens them with the user's uid (temporarily_use_uid()),
     * the monitor reads them as root: a file the user could not read still counts.
     */
    public static Optional<KeyOptions> find(Account user, List<Path> files, PublicKey key, InetAddress clientAddress,
                                            boolean strict) {
        for (Path file : files) {
            LOG.debug1("trying public key file %s", file);
            Optional<KeyOptions> found = AuthorizedKeysFile.scan(file, user, strict,
                    (loc, line) -> check(user, key, clientAddress, loc, line));
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** auth_check_authkey_line(): "[options] keytype base64 [comment]". */
    private static Optional<KeyOptions> check(Account user, PublicKey key, InetAddress client, String loc, String line) {
        String options = "";
        Optional<PublicKey> found = readKey(line);
        if (found.isEmpty()) {
            // No key at the start: the line starts with options, which may quote blanks.
            int end = pastOptions(line);
            if (end < 0) {
                LOG.error("invalid key option string at %s", loc);
                return Optional.empty();
            }
            options = line;
            found = readKey(line.substring(skipBlanks(line, end)));
            if (found.isEmpty()) {
                LOG.debug2("%s: no key after the options, line skipped", loc);
                return Optional.empty();
            }
        }
        KeyOptions opts;
        try {
            opts = KeyOptions.parse(options);
        } catch (IllegalArgumentException e) {
            LOG.debug1("%s: bad key options: %s", loc, e.getMessage());
            return Optional.empty();
        }
        if (opts.certAuthority() || !KeyUtils.compareKeys(found.get(), key)) {
            return Optional.empty();
        }
        String type = Keys.shortType(found.get());
        String fp = Keys.fingerprint(found.get());
        LOG.debug1("%s: matching key found: %s %s", loc, type, fp);
        if (!authorised(user, opts, client, loc)) {
            LOG.error("Refused by key options at %s", loc);
            return Optional.empty();
        }
        LOG.verbose("Accepted key %s %s found at %s", type, fp, loc);
        return Optional.of(opts);
    }

    /** auth_authorise_keyopts() for a plain key. */
    private static boolean authorised(Account user, KeyOptions opts, InetAddress client, String loc) {
        Optional<Instant> expiry = opts.expiryTime();
        if (expiry.isPresent() && expiry.get().getEpochSecond() < Instant.now().getEpochSecond()) {
            LOG.debug1("%s: entry expired at %s", loc, ABSOLUTE_TIME.format(expiry.get().atZone(ZoneId.systemDefault())));
            return false;
        }
        if (opts.principals().isPresent()) {
            LOG.debug1("%s: principals on non-CA key", loc);
            return false;
        }
        if (opts.from().isEmpty()) {
            return true;
        }
        String required = String.join(",", opts.from());
        HostPatterns.Match match = HostPatterns.match(client, required);
        if (match == HostPatterns.Match.YES) {
            return true;
        }
        if (match == HostPatterns.Match.INVALID) {
            LOG.debug1("%s: invalid from criteria", loc);
        }
        String ip = HostPatterns.text(client);
        LOG.info("%s: Authentication tried for %.100s with correct key but not from a permitted host "
                + "(host=%.200s, ip=%.200s, required=%.200s).", loc, user.name(), ip, ip, required);
        return false;
    }

    /** sshkey_read(): a key type, blanks, then base64 of a blob holding a key of that very type. */
    private static Optional<PublicKey> readKey(String s) {
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
