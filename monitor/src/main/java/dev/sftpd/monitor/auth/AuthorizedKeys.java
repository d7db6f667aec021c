// The monitor's publickey decision: is this key authorised for this user from this address (auth2-pubkeyfile.c)?
package dev.sftpd.monitor.auth;

import dev.sftpd.log.SshLog;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Files are read in order and lines top to bottom; the first line whose key equals the client's
 * and whose options admit it wins. A line refused by its options (from=, expiry-time) does not
 * end the search: a later line for the same key may still allow it, as in sshd. Certificates
 * are {@link Certificates}' to judge, cert-authority lines included.
 */
public final class AuthorizedKeys {
    private static final SshLog LOG = SshLog.get(AuthorizedKeys.class);

    private AuthorizedKeys() {}

    /**
     * The options of the first entry for {@code key} that admits {@code clientAddress}, or empty.
     * {@code files} are already expanded (%h, %u: /home/alice/.ssh/authorized_keys); {@code strict}
     * is StrictModes. Unlike sshd, which opens them with the user's uid (temporarily_use_uid()),
     * the monitor reads them as root: a file the user could not read still counts.
     */
    public static Optional<KeyOptions> find(Account user, List<Path> files, PublicKey key, Client clientAddress,
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

    /** auth_check_authkey_line() for a plain key: cert-authority lines are for certificates only. */
    private static Optional<KeyOptions> check(Account user, PublicKey key, Client client, String loc, String line) {
        Optional<AuthorizedKeysLine> entry = AuthorizedKeysLine.read(loc, line);
        if (entry.isEmpty() || entry.get().options().certAuthority() || !KeyUtils.compareKeys(entry.get().key(), key)) {
            return Optional.empty();
        }
        String type = Keys.shortType(key);
        String fp = Keys.fingerprint(key);
        LOG.debug1("%s: matching key found: %s %s", loc, type, fp);
        if (!KeyOptionChecks.admit(user, entry.get().options(), false, client, loc)) {
            LOG.error("Refused by key options at %s", loc);
            return Optional.empty();
        }
        LOG.verbose("Accepted key %s %s found at %s", type, fp, loc);
        return Optional.of(entry.get().options());
    }
}
