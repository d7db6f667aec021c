// One connection's authentication as sshd's auth2.c runs it: methods, AuthenticationMethods, MaxAuthTries,
// PermitRootLogin and access lists, failure timing, and the log lines fail2ban reads.
package dev.sftpd.monitor;

import dev.sftpd.log.Addresses;
import dev.sftpd.log.LogLevel;
import dev.sftpd.log.SshLog;
import dev.sftpd.monitor.auth.AccessPolicy;
import dev.sftpd.monitor.auth.Account;
import dev.sftpd.monitor.auth.AllowedUser;
import dev.sftpd.monitor.auth.Client;
import dev.sftpd.monitor.auth.Pam;
import dev.sftpd.monitor.auth.PamException;
import dev.sftpd.monitor.auth.ShadowPasswords;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Not thread-safe: the monitor session serves one request at a time. */
final class Authentication {
    private static final SshLog log = SshLog.get(Authentication.class);
    /** sshd's MIN_FAIL_DELAY_SEC, and the per-boot secret that spreads it per user. */
    private static final long MIN_FAIL_DELAY_NANOS = 5_000_000;
    private static final byte[] DELAY_SECRET = SecureRandom.getSeed(16);

    /** The name PAM hears for a user that does not exist or may not log in, as sshd's. */
    static final String NO_USER = "NOUSER";

    enum Result { REFUSED, KEY_ACCEPTABLE, AUTHENTICATED, PARTIAL, NO_MORE_ATTEMPTS }

    private AuthSettings settings;
    private final InetSocketAddress peer;
    private final Client client;
    private final Metrics metrics;
    private String user;
    private Optional<Account> account = Optional.empty();
    private boolean valid;
    private int failures;
    private final Set<String> succeeded = new HashSet<>();
    /** Volatile: the LoginGraceTime timer reads it from its own thread. */
    private volatile Account authenticated;
    private Pam pam;

    Authentication(AuthSettings settings, InetSocketAddress peer, Client client, Metrics metrics) {
        this.settings = settings;
        this.peer = peer;
        this.client = client;
        this.metrics = metrics;
    }

    /** The settings Match blocks give the named user, from the first request on. */
    void use(AuthSettings matched) {
        this.settings = matched;
    }

    /**
     * Starts an attempt for user: the account, if it exists and may log in at all (shell,
     * access lists), is looked up once per user name; a different name starts over, as sshd
     * refuses to change users mid-authentication.
     */
    Optional<Account> begin(String name) {
        if (!name.equals(user)) {
            user = name;
            succeeded.clear();
            account = Account.lookup(name);
            if (account.isEmpty()) {
                log.info("Invalid user %s from %s port %d", name, address(), peer.getPort());
            } else if (AllowedUser.refusal(account.get()).isPresent()
                    || (!settings.usePam() && ShadowPasswords.accountRefusal(account.get()).isPresent())
                    || !AccessPolicy.allowed(account.get(), settings.accessRules(), client)) {
                account = Optional.empty();
            }
            valid = account.isPresent();
        }
        return account;
    }

    /** The account of the current user, if it exists and may log in at all; empty before the first request. */
    Optional<Account> account() {
        return account;
    }

    /** PermitRootLogin for this method (AccessPolicy logs sshd's refusal). */
    boolean rootAllowed(Account a, String method, boolean forcedCommand) {
        return a.uid() != 0 || AccessPolicy.rootLoginPermitted(settings.permitRootLogin(), method, forcedCommand, peer);
    }

    /** A method succeeded for the current user: complete, or partial under AuthenticationMethods. */
    Result succeed(String method, String detail) {
        Account a = account.orElseThrow();
        if (settings.usePam() && pam == null) {
            // sshd runs PAM account management whatever the method (expired, locked accounts).
            try {
                pam = Pam.start(AuthSettings.PAM_SERVICE, a.name(), client.host(), Authentication::noAnswers);
                pam.accountManagement();
            } catch (PamException e) {
                log.error("Access denied for user %s by PAM account configuration [preauth]", a.name());
                closePam();
                return fail(method, detail);
            }
        }
        succeeded.add(methodName(method));
        if (!complete()) {
            authLog(LogLevel.INFO, "Partial", method, detail);
            metrics.authentication(methodName(method), "partial");
            return Result.PARTIAL;
        }
        authenticated = a;
        authLog(LogLevel.INFO, "Accepted", method, detail);
        metrics.authentication(methodName(method), "accepted");
        return Result.AUTHENTICATED;
    }

    /** A refused attempt: counted, logged at sshd's level, and answered no sooner than the user's delay. */
    Result fail(String method, String detail) {
        failures++;
        metrics.authentication(methodName(method), "failed");
        boolean loud = !valid || failures >= settings.maxAuthTries() / 2 || method.equals("password");
        authLog(loud ? LogLevel.INFO : LogLevel.VERBOSE, "Failed", method, detail);
        if (failures >= settings.maxAuthTries()) {
            log.error("maximum authentication attempts exceeded for %s%s from %s port %d ssh2",
                    valid ? "" : "invalid user ", user, address(), peer.getPort());
            return Result.NO_MORE_ATTEMPTS;
        }
        return Result.REFUSED;
    }

    /** Answers a failed attempt no sooner than start + the user's delay, as ensure_minimum_time_since(). */
    void delayFailure(long startNanos) {
        long delay = MIN_FAIL_DELAY_NANOS + userJitter();
        long elapsed = System.nanoTime() - startNanos;
        while (delay < elapsed) {
            delay *= 2;
        }
        try {
            Thread.sleep((delay - elapsed) / 1_000_000, (int) ((delay - elapsed) % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Up to ~4 ms, fixed per user name for the life of the daemon: same for real and unknown users. */
    private long userJitter() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(DELAY_SECRET);
            byte[] h = d.digest(user.getBytes(StandardCharsets.UTF_8));
            return ((h[0] & 0xffL) << 8 | (h[1] & 0xffL)) * 64;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Checks a password with PAM (UsePAM yes) or the shadow file; true on success. Without an
     * account (unknown, or not allowed) PAM still runs, for "NOUSER" and a wrong password of the
     * same length, as sshd's sshpam_auth_passwd() does.
     */
    boolean checkPassword(Optional<Account> account, String password) {
        if (!settings.usePam()) {
            return account.isPresent() && ShadowPasswords.check(account.get(), password,
                    settings.permitEmptyPasswords()) == ShadowPasswords.Result.OK;
        }
        String name = account.map(Account::name).orElse(NO_USER);
        String tried = account.isPresent() ? password : "\b\n\r\177INCORRECT".repeat(password.length() / 13 + 1)
                .substring(0, Math.max(password.length(), 1));
        Pam attempt = null;
        try {
            attempt = Pam.start(AuthSettings.PAM_SERVICE, name, client.host(), Authentication::noAnswers);
            attempt.authenticatePassword(tried, settings.permitEmptyPasswords());
            if (account.isEmpty()) {
                attempt.close();
                return false;
            }
            attempt.accountManagement();
            closePam();
            pam = attempt;
            return true;
        } catch (PamException e) {
            log.debug1("PAM: %s", e.getMessage());
            if (attempt != null) {
                attempt.close();
            }
            return false;
        }
    }

    /** PAM's informational messages outside keyboard-interactive go nowhere; any prompt is refused. */
    private static Optional<List<String>> noAnswers(List<Pam.Message> messages) {
        boolean prompts = messages.stream().anyMatch(m -> m.style() == Pam.Message.PROMPT_ECHO_OFF
                || m.style() == Pam.Message.PROMPT_ECHO_ON);
        return prompts ? Optional.empty() : Optional.of(java.util.Collections.nCopies(messages.size(), null));
    }

    /** Keeps the PAM handle a keyboard-interactive exchange authenticated with, for the session. */
    void adoptPam(Pam handle) {
        closePam();
        pam = handle;
    }

    Optional<Account> authenticated() {
        return Optional.ofNullable(authenticated);
    }

    String user() {
        return user;
    }

    boolean valid() {
        return valid;
    }

    /** pam_open_session for the logged-in user, if PAM is in use. */
    void openSession() {
        if (pam != null) {
            try {
                pam.openSession();
            } catch (PamException e) {
                log.error("PAM: pam_open_session(): %s", e.getMessage());
            }
        }
    }

    /** pam_close_session and pam_end, however the session ended. */
    void closePam() {
        if (pam != null) {
            try {
                pam.closeSession();
            } catch (PamException e) {
                log.debug1("PAM: pam_close_session(): %s", e.getMessage());
            }
            pam.close();
            pam = null;
        }
    }

    /** The method without its device: keyboard-interactive/pam counts as keyboard-interactive. */
    private static String methodName(String method) {
        return method.replaceFirst("/.*", "");
    }

    private boolean complete() {
        List<List<String>> lists = settings.authenticationMethods();
        return lists.isEmpty() || lists.stream().anyMatch(succeeded::containsAll);
    }

    /** auth_log(): "Accepted publickey for alice from 127.0.0.1 port 40022 ssh2: ED25519 SHA256:...". */
    private void authLog(LogLevel level, String outcome, String method, String detail) {
        String line = String.format("%s %s for %s%s from %s port %d ssh2%s", outcome, method,
                valid ? "" : "invalid user ", user, address(), peer.getPort(), detail.isEmpty() ? "" : ": " + detail);
        if (level == LogLevel.INFO) {
            log.info("%s", line);
        } else {
            log.verbose("%s", line);
        }
    }

    String address() {
        return Addresses.text(peer.getAddress());
    }
}
