// Password checking with UsePAM no, as sshd decides it: the shadow hash through crypt(3), locked and expired accounts refused.
package dev.sftpd.monitor.auth;

import dev.sftpd.log.SshLog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Optional;

/**
 * The rules and log lines of OpenSSH's platform_locked_account() (called from allowed_user()),
 * auth_password(), sys_auth_passwd() and auth-shadow.c, on Linux. The caller logs the outcome
 * ("Accepted password ...", "Failed password ...").
 */
public final class ShadowPasswords {
    private static final SshLog LOG = SshLog.get(ShadowPasswords.class);
    /** configure.ac's LOCKED_PASSWD_PREFIX on Linux; "*LK*" and "Nologin" are other systems' markers. */
    private static final String LOCKED_PASSWD_PREFIX = "!";
    private static final long DAY = 24L * 60 * 60;

    public enum Result { OK, WRONG, LOCKED, ACCOUNT_EXPIRED, PASSWORD_EXPIRED }

    private ShadowPasswords() {}

    /**
     * What allowed_user() refuses with UsePAM no before any method is tried, keys included: an
     * expired account or a hash starting with "!". An account without a shadow entry is neither.
     */
    public static Optional<Result> accountRefusal(Account user) {
        return ShadowEntry.lookup(user.name()).flatMap(ShadowPasswords::refusal);
    }

    /**
     * The whole password decision: {@link #accountRefusal} first, then an empty password only with
     * PermitEmptyPasswords, then the hash. A right password whose shadow entry says it must change
     * gives PASSWORD_EXPIRED, since sshd would only let the user change it on a terminal.
     */
    public static Result check(Account user, String password, boolean permitEmptyPasswords) {
        Optional<ShadowEntry> entry = ShadowEntry.lookup(user.name());
        Optional<Result> refused = entry.flatMap(ShadowPasswords::refusal);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (password.indexOf('\0') >= 0) {
            return Result.WRONG;
        }
        if (password.isEmpty() && !permitEmptyPasswords) {
            return Result.WRONG;
        }
        if (entry.isEmpty()) {
            // sshd falls back to the passwd file's "x", which no password matches.
            LOG.error("Could not get shadow information for %.100s", user.name());
            return Result.WRONG;
        }
        boolean mustChange = passwordExpired(entry.get());
        if (!matches(password, entry.get().hash())) {
            return Result.WRONG;
        }
        return mustChange ? Result.PASSWORD_EXPIRED : Result.OK;
    }

    /** An expired account is reported as locked too, since that is the line allowed_user() adds. */
    private static Optional<Result> refusal(ShadowEntry e) {
        Result r;
        if (accountExpired(e)) {
            r = Result.ACCOUNT_EXPIRED;
        } else if (e.hash().startsWith(LOCKED_PASSWD_PREFIX)) {
            r = Result.LOCKED;
        } else {
            return Optional.empty();
        }
        LOG.info("User %.100s not allowed because account is locked", e.name());
        return Optional.of(r);
    }

    /** auth_shadow_acctexpired(): the account works through the day sp_expire names. */
    private static boolean accountExpired(ShadowEntry e) {
        long today = today();
        LOG.debug3("auth_shadow_acctexpired: today %d sp_expire %d days left %d", today, e.expires(), e.expires() - today);
        if (e.expires() != -1 && e.expires() - today < 0) {
            LOG.info("Account %.100s has expired", e.name());
            return true;
        }
        return false;
    }

    /** auth_shadow_pwexpired(): a last change on day 0 is root forcing a new password. */
    private static boolean passwordExpired(ShadowEntry e) {
        long today = today();
        LOG.debug3("auth_shadow_pwexpired: today %d sp_lstchg %d sp_max %d", today, e.lastChange(), e.maxDays());
        if (e.lastChange() == 0) {
            LOG.info("User %.100s password has expired (root forced)", e.name());
            return true;
        }
        if (e.maxDays() != -1 && e.lastChange() + e.maxDays() - today < 0) {
            LOG.info("User %.100s password has expired (password aged)", e.name());
            return true;
        }
        return false;
    }

    /**
     * sys_auth_passwd(): an empty hash takes only the empty password; otherwise crypt with the
     * hash as setting, compared in constant time so the comparison leaks nothing of the hash.
     * libxcrypt hashes at most 512 bytes (CRYPT_MAX_PASSPHRASE_SIZE) and fails beyond, which
     * covers auth_password()'s own limit of 1024.
     */
    private static boolean matches(String password, String hash) {
        if (hash.isEmpty()) {
            return password.isEmpty();
        }
        return Crypt.hash(password, hash)
                .map(h -> MessageDigest.isEqual(h.getBytes(StandardCharsets.ISO_8859_1), hash.getBytes(StandardCharsets.ISO_8859_1)))
                .orElse(false);
    }

    private static long today() {
        return Instant.now().getEpochSecond() / DAY;
    }
}
