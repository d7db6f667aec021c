// sshd's auth_authorise_keyopts(): whether an entry's options let it be used now, from this address.
package dev.sftpd.monitor.auth;

import dev.sftpd.log.SshLog;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The same rules hold for an authorized_keys line (a plain key or a cert-authority line) and for
 * an AuthorizedPrincipalsFile line; only a cert-authority line may carry principals="...", and
 * cert-authority itself means nothing in a principals file, so both are refusals elsewhere.
 */
final class KeyOptionChecks {
    private static final SshLog LOG = SshLog.get(KeyOptionChecks.class);
    private static final DateTimeFormatter ABSOLUTE_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private KeyOptionChecks() {}

    /** {@code allowCertAuthority}: the entry is an authorized_keys line judged for a certificate; {@code loc} prefixes log lines. */
    static boolean admit(Account user, KeyOptions opts, boolean allowCertAuthority, Client client, String loc) {
        Optional<Instant> expiry = opts.expiryTime();
        if (expiry.isPresent() && expiry.get().getEpochSecond() < Instant.now().getEpochSecond()) {
            LOG.debug1("%s: entry expired at %s", loc, ABSOLUTE_TIME.format(expiry.get().atZone(ZoneId.systemDefault())));
            return false;
        }
        if (opts.principals().isPresent() && !opts.certAuthority()) {
            LOG.debug1("%s: principals on non-CA key", loc);
            return false;
        }
        if (!allowCertAuthority && opts.certAuthority()) {
            LOG.debug1("%s: cert-authority flag invalid here", loc);
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
        String ip = client.addressText();
        LOG.info("%s: Authentication tried for %.100s with correct key but not from a permitted host "
                + "(host=%.200s, ip=%.200s, required=%.200s).", loc, user.name(), client.host(), ip, required);
        return false;
    }
}
