// The monitor's side of one connection: answers its worker's requests (as OpenSSH's monitor.c) and
// keeps the record of who authenticated, what the session id is and whether the login was recorded.
package dev.sftpd.monitor;

import dev.sftpd.log.Addresses;
import dev.sftpd.log.LogLevel;
import dev.sftpd.log.SshLog;
import dev.sftpd.monitor.audit.ConnectionAudit;
import dev.sftpd.monitor.audit.SessionAudit;
import dev.sftpd.monitor.auth.Account;
import dev.sftpd.monitor.auth.AuthorizedKeys;
import dev.sftpd.monitor.auth.Client;
import dev.sftpd.monitor.auth.Certificates;
import dev.sftpd.monitor.auth.KeyPermissions;
import dev.sftpd.monitor.auth.Pam;
import dev.sftpd.monitor.auth.PermitRoot;
import dev.sftpd.monitor.auth.PublicKeyRequest;
import dev.sftpd.monitor.auth.PublicKeySignature;
import dev.sftpd.monitor.auth.UserFile;
import dev.sftpd.monitor.login.LoginRecorder;
import dev.sftpd.monitor.login.Session;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.MonitorMessage;
import dev.sftpd.privsep.MonitorMessage.Phase;
import dev.sftpd.privsep.MonitorProtocolException;
import dev.sftpd.privsep.Packets;
import dev.sftpd.privsep.PrivilegeDrop;
import dev.sftpd.privsep.Processes;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.privsep.TransportSettings;
import dev.sftpd.sftp.ServerFlags;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.EOFException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToIntFunction;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

public final class MonitorSession {
    private static final SshLog log = SshLog.get(MonitorSession.class);
    private static final int SIGKILL = 9;
    /** More answers than any PAM conversation asks for in one round. */
    private static final int MAX_ANSWERS = 32;
    /** How long a session's engines may take to finish on their own once the connection is gone. */
    private static final Duration ENGINE_DRAIN = Duration.ofSeconds(2);
    /** sshd's refusal for anything but sftp, sent to the client by the transport. */
    private static final String SFTP_ONLY = "This service allows sftp connections only.";
    /** LoginGraceTime alarms of every connection. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "login-grace");
        t.setDaemon(true);
        return t;
    });

    /** Why a session ended, for the daemon's log and its decision to kill the transport. */
    public enum End { CLOSED, VIOLATION }

    /**
     * How far a connection got with authentication, which sshd's listener learns from its child's exit
     * status and penalises the source for (PerSourcePenalties), and the daemon's metrics count.
     */
    public enum Outcome { AUTHENTICATED, FAILED_AUTHENTICATION, NO_AUTHENTICATION, LOGIN_GRACE_EXCEEDED }

    private final int channel;
    private final int transportPid;
    private final InetSocketAddress peer;
    /** The address and, with UseDNS yes, the name that host patterns, PAM and login records see. */
    private final Client client;
    private final HostKeys hostKeys;
    /** The global settings, until the first authentication request names the user and Match applies. */
    private AuthSettings settings;
    private SessionSettings sessions;
    private final MatchedSettings matched;
    private final Engines engines;
    private final LoginRecorder recorder;
    /** Told when the user is authenticated: the connection stops counting as a startup. */
    private final Runnable authenticated;
    /** The connection's audit trail: authentication, sessions, their operations, the end. */
    private final ConnectionAudit trail;

    private Phase phase = Phase.PREAUTH;
    /** How many of each request the transport has sent in the current phase. */
    private final Map<MonitorMessage, Integer> sent = new EnumMap<>(MonitorMessage.class);
    private boolean kexAnnounced;
    private byte[] sessionId;
    private int keyExchanges;
    /** The user and service of the first authentication request: any other later is a violation. */
    private String firstUser;
    private String firstService;
    private boolean attemptsExhausted;
    private final Authentication auth;
    private KbdIntConversation kbdInt;
    /** The command a key or certificate that authenticated the user forces, if any. */
    /** What the key that logged in allows (forced command, port forwarding); nothing limits a password login. */
    private KeyPermissions keyPermissions = KeyPermissions.NONE;
    private boolean finished;
    /** The LoginGraceTime alarm, cancelled once the user is authenticated. */
    private volatile ScheduledFuture<?> grace;
    /** Set when the alarm went off before authentication and killed the transport. */
    private volatile boolean graceExceeded;
    /** The transport's end of the engine just started, sent right after ENGINE_STARTED. */
    private Fd pendingEngine;
    /** Each engine this connection started, with its login record; logged out once each. */
    private final List<EngineLogin> logins = new ArrayList<>();

    private record EngineLogin(Session login, Engines.Started engine, AtomicBoolean loggedOut) {}

    /** Engines connecting for direct-tcpip: each ends once it has handed its connection over. */
    private final List<Engines.Started> connectors = new ArrayList<>();

    public MonitorSession(int channel, int transportPid, InetSocketAddress peer, Client client, HostKeys hostKeys,
                          AuthSettings settings, SessionSettings sessions, MatchedSettings matched, Engines engines,
                          LoginRecorder recorder, Runnable authenticated, ConnectionAudit trail, Metrics metrics) {
        this.authenticated = authenticated;
        this.trail = trail;
        this.channel = channel;
        this.transportPid = transportPid;
        this.peer = peer;
        this.client = client;
        this.hostKeys = hostKeys;
        this.settings = settings;
        this.sessions = sessions;
        this.matched = matched;
        this.engines = engines;
        this.recorder = recorder;
        this.auth = new Authentication(settings, peer, client, metrics);
    }

    /**
     * A pre-started transport's first exchange: HELLO (its settings, the host keys' public
     * blobs, the Banner's text, which the transport cannot read itself), then its
     * TRANSPORT_READY, relaying its log lines meanwhile. Nothing else is allowed before the
     * transport has a client.
     */
    public static void awaitReady(int channel, TransportSettings settings, HostKeys hostKeys, String banner)
            throws SysCallException, EOFException, MonitorProtocolException {
        Packets.write(channel, new MonitorCalls.Hello(settings, hostKeys.publicBlobs(), banner).encode());
        while (true) {
            Buffer request = Packets.read(channel);
            MonitorMessage type = allowed(request, Phase.POOLED, m -> 0);
            if (type == MonitorMessage.TRANSPORT_READY) {
                Packets.parse(request, p -> null);
                return;
            }
            relayLog(request, "");
        }
    }

    /** Hands the client to a ready transport: CONNECTION with the addresses, then the socket. */
    public static void handOver(int channel, InetSocketAddress peer, InetSocketAddress local, Fd client)
            throws SysCallException {
        Buffer connection = Packets.payload(MonitorMessage.CONNECTION);
        connection.putString(Addresses.text(peer.getAddress()));
        connection.putInt(peer.getPort());
        connection.putString(Addresses.text(local.getAddress()));
        connection.putInt(local.getPort());
        Packets.write(channel, connection);
        Sockets.sendFd(channel, client.fd());
    }

    /** Serves the transport until it closes its end (CLOSED) or breaks the protocol (VIOLATION). */
    public End run() {
        return run(System.nanoTime());
    }

    /**
     * {@link #run()} for a connection accepted at {@code acceptedAt} (System.nanoTime()):
     * LoginGraceTime counts from the accept, as sshd's alarm does, so the time a connection
     * waited for a transport to start (an empty pool on a busy machine) is part of its grace.
     */
    public End run(long acceptedAt) {
        long left = settings.loginGraceTime().toNanos() - (System.nanoTime() - acceptedAt);
        grace = settings.loginGraceTime().isZero() ? null
                : TIMER.schedule(this::graceExpired, Math.max(0, left), TimeUnit.NANOSECONDS);
        try {
            while (true) {
                Buffer request = Packets.read(channel);
                MonitorMessage type = allowed(request, phase, m -> sent.getOrDefault(m, 0));
                sent.merge(type, 1, Integer::sum);
                if (type == MonitorMessage.LOG) {
                    relayLog(request, phase == Phase.PREAUTH ? " [preauth]" : "");
                    continue;
                }
                Buffer reply = answer(type, request);
                Packets.write(channel, reply);
                if (pendingEngine != null) {
                    passEngine();
                }
            }
        } catch (EOFException e) {
            return End.CLOSED;
        } catch (MonitorProtocolException e) {
            log.error("monitor: transport %d for %s port %d: %s; killing it", transportPid, address(),
                    peer.getPort(), e.getMessage());
            return End.VIOLATION;
        } catch (SysCallException e) {
            log.error("monitor: channel to transport %d: %s", transportPid, e.getMessage());
            return End.CLOSED;
        } finally {
            if (grace != null) {
                grace.cancel(false);
            }
        }
    }

    /**
     * The message a request is, if the table allows it in this phase once more: an unknown type,
     * a message not allowed in the phase, or one past its count there is a violation.
     */
    private static MonitorMessage allowed(Buffer request, Phase phase, ToIntFunction<MonitorMessage> count)
            throws MonitorProtocolException {
        MonitorMessage type = MonitorMessage.of(request.getUByte());
        if (type == null) {
            throw new MonitorProtocolException("request of unknown type");
        }
        if (type.limit(phase) == 0) {
            throw new MonitorProtocolException("request " + type + " not allowed in state " + phase);
        }
        if (count.applyAsInt(type) >= type.limit(phase)) {
            throw new MonitorProtocolException("request " + type + " more than " + type.limit(phase)
                    + " time(s) in state " + phase);
        }
        return type;
    }

    /**
     * LOG: a confined process's line, logged here at its level (it has no log of its own), with
     * the suffix sshd's monitor gives its unauthenticated child's lines (" [preauth]").
     */
    static void relayLog(Buffer request, String suffix) throws MonitorProtocolException {
        record Line(int level, String text) {}
        Line line = Packets.parse(request, p -> new Line(p.getUByte(), p.getString()));
        if (line.level() >= LogLevel.values().length) {
            throw new MonitorProtocolException("LOG at unknown level " + line.level());
        }
        log.relay(LogLevel.values()[line.level()], line.text() + suffix);
    }

    /** LoginGraceTime: a transport still unauthenticated is killed, as sshd's grace alarm does. */
    private void graceExpired() {
        if (auth.authenticated().isEmpty()) {
            graceExceeded = true;
            log.info("Timeout before authentication for %s port %d", address(), peer.getPort());
            try {
                Processes.kill(transportPid, SIGKILL);
            } catch (SysCallException e) {
                log.debug1("kill %d: %s", transportPid, e.getMessage());
            }
        }
    }

    /** Once the transport is gone: whether the user authenticated, and if not, whether anyone tried. */
    public Outcome outcome() {
        if (auth.authenticated().isPresent()) {
            return Outcome.AUTHENTICATED;
        }
        if (graceExceeded) {
            return Outcome.LOGIN_GRACE_EXCEEDED;
        }
        // sshd's auth_attempted: any authentication request reached the monitor.
        return firstUser != null ? Outcome.FAILED_AUTHENTICATION : Outcome.NO_AUTHENTICATION;
    }

    /** The authenticated user's name; empty before authentication. For the control socket's session list. */
    public Optional<String> user() {
        return auth.authenticated().map(Account::name);
    }

    /** The session process (the one its login record names) of each sftp session still running. */
    public synchronized List<Integer> liveSessionPids() {
        return logins.stream().filter(e -> !e.engine().exited().isDone()).map(e -> e.engine().sessionPid()).toList();
    }

    /** The daemon stops: the engines are killed at once, then the session finishes. */
    public void kill() {
        synchronized (this) {
            logins.forEach(e -> e.engine().kill().run());
            connectors.forEach(e -> e.kill().run());
        }
        finish(false);
    }

    /**
     * The connection is gone (or the daemon stops): each engine still running gets a moment to
     * finish on its own, then is killed; every login is recorded as ended, PAM ends, and the
     * end is logged, unless the transport logged it ({@code endLogged}: it ended the connection
     * on a protocol error and said so, as sshd's child does before it exits); once, whichever
     * thread gets here first.
     */
    public synchronized void finish(boolean endLogged) {
        if (finished) {
            return;
        }
        finished = true;
        // A connect still under way when the connection ends has no one to hand its socket to.
        connectors.forEach(e -> e.kill().run());
        for (EngineLogin e : logins) {
            try {
                e.engine().exited().get(ENGINE_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException ex) {
                e.engine().kill().run();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                e.engine().kill().run();
            }
            logout(e);
        }
        if (kbdInt != null) {
            kbdInt.abandon();
        }
        auth.closePam();
        trail.disconnected();
        Optional<Account> authenticated = auth.authenticated();
        if (endLogged) {
            return;
        } else if (authenticated.isPresent()) {
            log.info("Disconnected from user %s %s port %d", authenticated.get().name(), address(), peer.getPort());
        } else if (auth.user() != null) {
            log.info("Connection closed by %s %s %s port %d [preauth]",
                    auth.valid() ? "authenticating user" : "invalid user", auth.user(), address(), peer.getPort());
        } else {
            log.info("Connection closed by %s port %d [preauth]", address(), peer.getPort());
        }
    }

    /**
     * An engine's login ends once, whether the engine ended first or the connection did, and
     * neither caller returns before it is written. The daemon's stop relies on that: when the
     * engine's exit callback got here first, the stop's own call waits for its record instead of
     * returning at once and letting the JVM exit while the record is still being written (seen
     * as "gone - no logout" in last after a stop during a session).
     */
    private void logout(EngineLogin e) {
        synchronized (e) {
            if (e.loggedOut().compareAndSet(false, true)) {
                recorder.logout(e.login(), Instant.now());
            }
        }
    }

    private Buffer answer(MonitorMessage type, Buffer request) throws MonitorProtocolException {
        return switch (type) {
            case START_REKEX -> startRekex(request);
            case SIGN -> sign(request);
            case AUTH_PUBKEY -> authPublicKey(request);
            case AUTH_PASSWORD -> authPassword(request);
            case AUTH_KBDINT_START -> kbdIntStart(request);
            case AUTH_KBDINT_RESPONSE -> kbdIntRespond(request);
            case ENGINE_START -> startEngine(request);
            case FORWARD_OPEN -> openForward(request);
            default -> throw new MonitorProtocolException(type + " is not a request");
        };
    }

    private Buffer startRekex(Buffer request) throws MonitorProtocolException {
        Packets.parse(request, p -> null);
        kexAnnounced = true;
        return Packets.payload(MonitorMessage.OK);
    }

    private record SignRequest(String algorithm, byte[] blob, byte[] hash) {}

    private Buffer sign(Buffer request) throws MonitorProtocolException {
        SignRequest r = Packets.parse(request, p -> new SignRequest(Packets.text(p), p.getBytes(), p.getBytes()));
        if (!kexAnnounced) {
            throw new MonitorProtocolException("SIGN without START_REKEX");
        }
        kexAnnounced = false;
        Optional<byte[]> signature;
        try {
            signature = hostKeys.sign(r.algorithm(), r.blob(), r.hash());
        } catch (GeneralSecurityException e) {
            log.error("monitor: %s host key signature failed: %s", r.algorithm(), e.getMessage());
            return failure("signature failed");
        }
        if (signature.isEmpty()) {
            throw new MonitorProtocolException("refused to sign " + r.hash().length + " bytes with " + r.algorithm()
                    + ": not an exchange hash for one of our host keys");
        }
        if (sessionId == null) {
            sessionId = r.hash();
        }
        keyExchanges++;
        log.debug1("monitor: signed the exchange hash of key exchange %d for worker %d (%s)", keyExchanges,
                transportPid, r.algorithm());
        Buffer reply = Packets.payload(MonitorMessage.SIGN_REPLY);
        reply.putBytes(signature.get());
        return reply;
    }

    private record PubkeyRequest(String user, String service, String algorithm, byte[] blob, byte[] signature) {}

    /**
     * publickey: the key (or certificate) must be authorized for an account that may log in,
     * and the signature must cover data built here from the session id the monitor signed.
     */
    private Buffer authPublicKey(Buffer request) throws MonitorProtocolException {
        PubkeyRequest r = Packets.parse(request, p -> new PubkeyRequest(Packets.text(p), Packets.text(p),
                Packets.text(p), p.getBytes(), p.getBoolean() ? p.getBytes() : null));
        beginRequest(r.user(), r.service());
        long start = System.nanoTime();
        if (!settings.pubkeyAuthentication()) {
            return authResult(Authentication.Result.REFUSED);
        }
        PublicKey key;
        try {
            key = new ByteArrayBuffer(r.blob()).getRawPublicKey();
        } catch (java.io.IOException | RuntimeException e) {
            log.verbose("monitor: unparseable public key from %s port %d: %s", address(), peer.getPort(),
                    e.getMessage());
            return authResult(Authentication.Result.REFUSED);
        }
        String detail = keyDetail(key);
        Optional<List<String>> audited = Optional.of(List.of(keyTypeName(key), KeyUtils.getFingerPrint(
                key instanceof OpenSshCertificate cert ? cert.getCertPubKey() : key)));
        Optional<Account> account = auth.begin(r.user());
        Optional<KeyPermissions> permissions = account.flatMap(a -> authorizedKey(a, key));
        if (account.isEmpty() || permissions.isEmpty()) {
            return failed(start, "publickey", detail, audited);
        }
        if (r.signature() == null) {
            log.verbose("Postponed publickey for %s from %s port %d ssh2 [preauth]", r.user(), address(),
                    peer.getPort());
            return authResult(Authentication.Result.KEY_ACCEPTABLE);
        }
        byte[] signed = new PublicKeyRequest(sessionId, r.user(), r.service(), r.algorithm(), r.blob()).signedData();
        boolean good = key instanceof OpenSshCertificate cert
                ? PublicKeySignature.verify(cert.getCertPubKey(), r.signature(), signed)
                : PublicKeySignature.verify(key, r.signature(), signed, r.algorithm());
        // PermitRootLogin is judged once the method has succeeded, as in sshd's userauth_finish().
        if (!good || !auth.rootAllowed(account.get(), "publickey", permissions.get().command().isPresent())) {
            return failed(start, "publickey", detail, audited);
        }
        Authentication.Result result = audit(auth.succeed("publickey", detail), "publickey", audited);
        if (result == Authentication.Result.AUTHENTICATED || result == Authentication.Result.PARTIAL) {
            keyPermissions = permissions.get();
        }
        return authResult(result);
    }

    /** Whether the account accepts this key, and if so what it allows (command=, force-command, forwarding). */
    private Optional<KeyPermissions> authorizedKey(Account account, PublicKey key) {
        List<Path> files = settings.authorizedKeysFiles().apply(account);
        if (key instanceof OpenSshCertificate cert) {
            // authorized_keys (cert-authority lines) first, then TrustedUserCAKeys, as sshd.
            return Certificates.checkAuthorizedKeysCa(account, files, cert, client, settings.strictModes())
                    .or(() -> Certificates.checkTrustedCa(account, cert, settings.trustedUserCaKeys().apply(account),
                            principals(account), client))
                    .map(Certificates.Accepted::permissions);
        }
        return AuthorizedKeys.find(account, files, key, client, settings.strictModes())
                .map(KeyPermissions::of);
    }

    /** AuthorizedPrincipalsFile's lines, when one is configured; one that cannot be read lists no one, as in sshd. */
    private Optional<List<String>> principals(Account account) {
        return settings.authorizedPrincipalsFile().apply(account).map(file -> UserFile.readLines(account, file,
                UserFile.Kind.AUTHORIZED_PRINCIPALS, settings.strictModes()).orElse(List.of()));
    }

    /** What auth_log() prints of a key: type and fingerprint; for a certificate also its ID, serial and CA. */
    private static String keyDetail(PublicKey key) {
        if (key instanceof OpenSshCertificate cert) {
            return keyTypeName(key) + " " + KeyUtils.getFingerPrint(cert.getCertPubKey()) + " ID " + cert.getId()
                    + " (serial " + Long.toUnsignedString(cert.getSerial()) + ") CA " + keyTypeName(cert.getCaPubKey())
                    + " " + KeyUtils.getFingerPrint(cert.getCaPubKey());
        }
        return keyTypeName(key) + " " + KeyUtils.getFingerPrint(key);
    }

    /** sshd_key_type(): "ED25519", "RSA", "ECDSA", with "-CERT" for certificates. */
    private static String keyTypeName(PublicKey key) {
        String type = KeyUtils.getKeyType(key);
        String name = type.startsWith("ecdsa") ? "ECDSA"
                : type.replaceFirst("^ssh-", "").replaceFirst("-cert-v01@openssh.com$", "").toUpperCase(Locale.ROOT);
        return key instanceof OpenSshCertificate ? name + "-CERT" : name;
    }

    private Buffer failed(long start, String method, String detail, Optional<List<String>> key) {
        Authentication.Result result = audit(auth.fail(method, detail), method, key);
        auth.delayFailure(start);
        return authResult(result);
    }

    /** Writes an attempt's outcome to the audit trail, as auth_log() logs it. */
    private Authentication.Result audit(Authentication.Result result, String method, Optional<List<String>> key) {
        String outcome = switch (result) {
            case AUTHENTICATED -> "accepted";
            case PARTIAL -> "partial";
            default -> "failed";
        };
        trail.authentication(method, outcome, auth.user(), auth.account(), key);
        return result;
    }

    /**
     * Every authentication request: after the first key exchange, while attempts are left, and
     * for the user and service the first request named (monitor.c's rule: a transport that
     * switches users mid-authentication is broken or subverted).
     */
    private void beginRequest(String user, String service) throws MonitorProtocolException {
        if (sessionId == null) {
            throw new MonitorProtocolException("authentication before the first key exchange");
        }
        requireAttemptsLeft();
        if (firstUser == null) {
            firstUser = user;
            firstService = service;
            matched.forUser(user).ifPresent(m -> {
                settings = m.auth();
                sessions = m.sessions();
                auth.use(settings);
            });
        } else if (!firstUser.equals(user) || !firstService.equals(service)) {
            throw new MonitorProtocolException("user/service changed from \"" + firstUser + "\"/\"" + firstService
                    + "\" to \"" + user + "\"/\"" + service + "\" during authentication");
        }
    }

    private void requireAttemptsLeft() throws MonitorProtocolException {
        if (attemptsExhausted) {
            throw new MonitorProtocolException("authentication request after MaxAuthTries");
        }
    }

    private record PasswordRequest(String user, String service, String password) {}

    private Buffer authPassword(Buffer request) throws MonitorProtocolException {
        PasswordRequest r = Packets.parse(request, p -> new PasswordRequest(Packets.text(p), Packets.text(p),
                Packets.text(p)));
        beginRequest(r.user(), r.service());
        long start = System.nanoTime();
        if (!settings.passwordAuthentication()) {
            return authResult(Authentication.Result.REFUSED);
        }
        Optional<Account> account = auth.begin(r.user());
        // Root's password is never right unless PermitRootLogin yes: PAM hears a wrong one, as in sshd.
        boolean allowed = account.isPresent()
                && (account.get().uid() != 0 || settings.permitRootLogin() == PermitRoot.YES);
        // As sshd: a user who may not log in still costs PAM a check, of a wrong password, so
        // that PAM's delay on failure does not tell who exists.
        if (!auth.checkPassword(allowed ? account : Optional.empty(), r.password())) {
            return failed(start, "password", "", Optional.empty());
        }
        return authResult(audit(auth.succeed("password", ""), "password", Optional.empty()));
    }

    private record KbdIntStart(String user, String service, String submethods) {}

    /** keyboard-interactive through PAM, as sshd's "pam" device; unknown users get PAM's prompts too. */
    private Buffer kbdIntStart(Buffer request) throws MonitorProtocolException {
        KbdIntStart r = Packets.parse(request, p -> new KbdIntStart(Packets.text(p), Packets.text(p), Packets.text(p)));
        beginRequest(r.user(), r.service());
        if (!settings.kbdInteractiveAuthentication() || !settings.usePam()) {
            return authResult(Authentication.Result.REFUSED);
        }
        if (kbdInt != null) {
            kbdInt.abandon();
        }
        Optional<Account> account = auth.begin(r.user());
        Duration patience = settings.loginGraceTime().isZero() ? Duration.ofMinutes(10) : settings.loginGraceTime();
        kbdInt = KbdIntConversation.start(account.map(Account::name).orElse(Authentication.NO_USER), address(),
                settings.permitEmptyPasswords(), patience);
        return kbdIntNext(System.nanoTime());
    }

    private Buffer kbdIntRespond(Buffer request) throws MonitorProtocolException {
        List<String> answers = Packets.parse(request, p -> {
            int n = p.getInt();
            if (n < 0 || n > MAX_ANSWERS) {
                throw new IllegalArgumentException(n + " answers");
            }
            List<String> list = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                list.add(Packets.text(p));
            }
            return list;
        });
        if (kbdInt == null) {
            throw new MonitorProtocolException("AUTH_KBDINT_RESPONSE without a keyboard-interactive exchange");
        }
        requireAttemptsLeft();
        long start = System.nanoTime();
        kbdInt.answer(answers);
        return kbdIntNext(start);
    }

    /** Relays PAM's next round of prompts, or turns its outcome into the method's result. */
    private Buffer kbdIntNext(long start) throws MonitorProtocolException {
        Object next;
        try {
            next = kbdInt.next();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MonitorProtocolException("interrupted while PAM was working");
        }
        if (next instanceof KbdIntConversation.Query q) {
            Buffer reply = Packets.payload(MonitorMessage.AUTH_KBDINT_QUERY);
            reply.putString("");
            reply.putString(q.instruction());
            reply.putInt(q.prompts().size());
            for (int i = 0; i < q.prompts().size(); i++) {
                reply.putString(q.prompts().get(i));
                reply.putBoolean(q.echo().get(i));
            }
            return reply;
        }
        kbdInt = null;
        KbdIntConversation.Outcome outcome = (KbdIntConversation.Outcome) next;
        String method = "keyboard-interactive/pam";
        Optional<Account> account = auth.begin(auth.user());
        if (outcome.pam().isEmpty() || account.isEmpty()
                || !auth.rootAllowed(account.get(), "keyboard-interactive", false)) {
            outcome.pam().ifPresent(Pam::close);
            return failed(start, method, "", Optional.empty());
        }
        auth.adoptPam(outcome.pam().get());
        return authResult(audit(auth.succeed(method, ""), method, Optional.empty()));
    }

    private record EngineRequest(String request, String argument, String clientIdentification) {}

    /**
     * ENGINE_START: what a session request runs is decided here, in sshd's order: ForceCommand,
     * then a command the key or certificate forces, then the request itself (sftp for the sftp
     * subsystem; nothing for a shell or another command). An engine is taken from the pool as
     * the user, and its login recorded under the session process that carries the loginuid.
     */
    private Buffer startEngine(Buffer request) throws MonitorProtocolException {
        EngineRequest r = Packets.parse(request, p -> new EngineRequest(Packets.text(p), Packets.text(p),
                Packets.text(p)));
        Optional<List<String>> flags = sftpFlags(r);
        if (flags.isEmpty()) {
            log.verbose("refused %s%s for %s: %s", r.request(), r.argument().isEmpty() ? "" : " " + r.argument(),
                    auth.user(), SFTP_ONLY);
            return failure(SFTP_ONLY);
        }
        Account account = auth.authenticated().orElseThrow();
        if (liveEngines() >= sessions.maxSessions()) {
            // The transport enforces MaxSessions on channels too; this is the limit it cannot lift.
            log.info("refused session for %s from %s port %d: MaxSessions %d reached", account.name(), address(),
                    peer.getPort(), sessions.maxSessions());
            return failure("too many sessions");
        }
        List<String> argv = new ArrayList<>(sessions.logFlags());
        argv.addAll(flags.get());
        Optional<Optional<Path>> chroot = chroot(account);
        if (chroot.isEmpty()) {
            return failure("bad chroot directory");
        }
        Engines.Started engine;
        int id = logins.size();
        SessionAudit audit = trail.session(id);
        try {
            engine = engines.start(account, PrivilegeDrop.groupList(account.name(), account.gid()), argv, address(),
                    chroot.get(), r.clientIdentification(), audit);
        } catch (SysCallException | RuntimeException e) {
            log.error("monitor: cannot start an engine for %s: %s", account.name(), e.getMessage());
            return failure("no engine");
        }
        audit.started(engine.sessionPid());
        log.verbose("Starting session: %s for %s from %s port %d id %d", describe(r), account.name(), address(),
                peer.getPort(), id);
        Session login = new Session(engine.sessionPid(), LoginRecorder.LINE_PREFIX + engine.sessionPid(), account.name(),
                account.uid(), peer.getAddress(), client.host(), Instant.now());
        recorder.login(login);
        EngineLogin e = new EngineLogin(login, engine, new AtomicBoolean());
        synchronized (this) {
            logins.add(e);
        }
        engine.exited().thenAccept(status -> {
            log.debug1("monitor: session %d of %s %s", engine.sessionPid(), account.name(), status);
            log.verbose("Close session: user %s from %s port %d id %d", account.name(), address(), peer.getPort(), id);
            audit.ended(status);
            logout(e);
        });
        pendingEngine = engine.transportEnd();
        return Packets.payload(MonitorMessage.ENGINE_STARTED);
    }

    private record ForwardRequest(String host, int port, String originator, int originatorPort) {}

    /**
     * FORWARD_OPEN, a direct-tcpip channel (ssh -L, ssh -W): judged as sshd's
     * server_request_direct_tcpip() does, then an engine becomes the user and makes the
     * connection itself, so that the network sees the user's process, never root's or the
     * transport's. The transport gets the engine's socket, over which the connection arrives.
     */
    private Buffer openForward(Buffer request) throws MonitorProtocolException {
        ForwardRequest r = Packets.parse(request, p -> new ForwardRequest(Packets.text(p), p.getInt(),
                Packets.text(p), p.getInt()));
        Account account = auth.authenticated().orElseThrow();
        String target = "originator " + r.originator() + " port " + r.originatorPort() + ", target " + r.host()
                + " port " + r.port();
        switch (sessions.forwarding().judge(keyPermissions.portForwarding(), keyPermissions.permitOpen(), r.host(),
                r.port())) {
            case NOT_FORWARDING -> {
                log.info("refused local port forward: %s", target);
                return failure("administratively prohibited");
            }
            case NOT_PERMITTED -> {
                log.info("Received request from %s port %d to connect to host %s port %d, but the request was denied.",
                        r.originator(), r.originatorPort(), r.host(), r.port());
                return failure("administratively prohibited");
            }
            case OPEN -> log.verbose("server_request_direct_tcpip: %s (user %s from %s port %d)", target,
                    account.name(), address(), peer.getPort());
        }
        Optional<Optional<Path>> chroot = chroot(account);
        if (chroot.isEmpty()) {
            return failure("bad chroot directory");
        }
        Engines.Started engine;
        try {
            engine = engines.connect(account, PrivilegeDrop.groupList(account.name(), account.gid()),
                    sessions.logFlags(), address(), chroot.get(), trail.session(logins.size()), r.host(), r.port());
        } catch (SysCallException | RuntimeException e) {
            log.error("monitor: cannot start an engine to connect for %s: %s", account.name(), e.getMessage());
            return failure("no engine");
        }
        synchronized (this) {
            connectors.removeIf(e -> e.exited().isDone());
            connectors.add(engine);
        }
        pendingEngine = engine.transportEnd();
        return Packets.payload(MonitorMessage.ENGINE_STARTED);
    }

    /**
     * The account's ChrootDirectory, if any, once checked; empty when it is unsafe (logged):
     * sshd's session child fatal()s there, so the request is refused and the connection lives on.
     */
    private Optional<Optional<Path>> chroot(Account account) {
        Optional<Path> chroot = sessions.chrootDirectory().apply(account);
        Optional<String> unsafe = chroot.flatMap(ChrootCheck::problem);
        unsafe.ifPresent(problem -> log.error("%s", problem));
        return unsafe.isPresent() ? Optional.empty() : Optional.of(chroot);
    }

    private synchronized long liveEngines() {
        return logins.stream().filter(e -> !e.engine().exited().isDone()).count();
    }

    /** After ENGINE_STARTED: the transport's end of the engine's socket, then ours is closed. */
    private void passEngine() throws SysCallException {
        try (Fd end = pendingEngine) {
            pendingEngine = null;
            Sockets.sendFd(channel, end.fd());
        }
    }

    /** What sshd's "Starting session" line says a session runs. */
    private String describe(EngineRequest r) {
        if (sessions.forceCommandFlags().isPresent()) {
            return "forced-command (config) 'internal-sftp'";
        }
        if (keyPermissions.command().isPresent()) {
            return "forced-command (key-option) '" + keyPermissions.command().get() + "'";
        }
        return "subsystem '" + r.argument() + "'";
    }

    /** The sftp-server flags a session request runs with, or empty when it may run nothing. */
    private Optional<List<String>> sftpFlags(EngineRequest r) {
        if (sessions.forceCommandFlags().isPresent()) {
            return sessions.forceCommandFlags();
        }
        if (keyPermissions.command().isPresent()) {
            return forcedSftp(keyPermissions.command().get());
        }
        return r.request().equals("subsystem") && r.argument().equals("sftp")
                ? Optional.of(sessions.subsystemFlags()) : Optional.empty();
    }

    /**
     * A forced command this server can honour is sftp itself: "internal-sftp FLAGS" or a path
     * to an sftp-server with its flags. Anything else leaves the user no session at all.
     */
    static Optional<List<String>> forcedSftp(String command) {
        List<String> words = List.of(command.trim().split("\\s+"));
        String program = words.get(0);
        if (!program.equals("internal-sftp") && !program.endsWith("/sftp-server")) {
            log.verbose("forced command \"%s\" is not sftp: sessions refused", command);
            return Optional.empty();
        }
        List<String> flags = words.subList(1, words.size());
        try {
            ServerFlags.parse("internal-sftp", flags.toArray(String[]::new));
            return Optional.of(List.copyOf(flags));
        } catch (ServerFlags.FlagException e) {
            log.error("forced command \"%s\": %s", command, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * The answer to an authentication request, and its consequence here: complete authentication
     * moves the connection to POSTAUTH (PAM session, no more grace alarm); the last refused
     * attempt leaves nothing more to ask.
     */
    private Buffer authResult(Authentication.Result result) {
        if (result == Authentication.Result.AUTHENTICATED) {
            phase = Phase.POSTAUTH;
            sent.clear();
            if (grace != null) {
                grace.cancel(false);
            }
            auth.openSession();
            authenticated.run();
        } else if (result == Authentication.Result.NO_MORE_ATTEMPTS) {
            attemptsExhausted = true;
        }
        Buffer reply = Packets.payload(MonitorMessage.AUTH_RESULT);
        reply.putByte((byte) result.ordinal());
        return reply;
    }

    private static Buffer failure(String reason) {
        Buffer reply = Packets.payload(MonitorMessage.FAILURE);
        reply.putString(reason);
        return reply;
    }

    private String address() {
        return Addresses.text(peer.getAddress());
    }
}
