// The monitor's side of one connection: answers its worker's requests (as OpenSSH's monitor.c) and
// keeps the record of who authenticated, what the session id is and whether the login was recorded.
package dev.sftpd.monitor;

import dev.sftpd.log.SshLog;
import dev.sftpd.monitor.auth.Account;
import dev.sftpd.monitor.auth.AuthorizedKeys;
import dev.sftpd.monitor.auth.Certificates;
import dev.sftpd.monitor.auth.KeyOptions;
import dev.sftpd.monitor.auth.Pam;
import dev.sftpd.monitor.auth.PermitRoot;
import dev.sftpd.monitor.auth.PublicKeyRequest;
import dev.sftpd.monitor.auth.PublicKeySignature;
import dev.sftpd.monitor.login.LoginRecorder;
import dev.sftpd.monitor.login.Session;
import dev.sftpd.privsep.MonitorMessage;
import dev.sftpd.privsep.MonitorProtocolException;
import dev.sftpd.privsep.Packets;
import dev.sftpd.privsep.PrivilegeDrop;
import dev.sftpd.sftp.NssAccounts;
import dev.sftpd.sftp.posix.SysCallException;
import dev.sftpd.privsep.Processes;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

public final class MonitorSession {
    private static final SshLog log = SshLog.get(MonitorSession.class);
    private static final int SIGKILL = 9;
    /** More answers than any PAM conversation asks for in one round. */
    private static final int MAX_ANSWERS = 32;
    /** LoginGraceTime alarms of every connection. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "login-grace");
        t.setDaemon(true);
        return t;
    });

    enum State { PREAUTH, POSTAUTH }

    /** Which requests each state allows (monitor.c's dispatch tables). */
    private static final Map<State, Set<MonitorMessage>> ALLOWED = Map.of(
            State.PREAUTH, EnumSet.of(MonitorMessage.START_REKEX, MonitorMessage.SIGN, MonitorMessage.AUTH_PUBKEY,
                    MonitorMessage.AUTH_PASSWORD, MonitorMessage.AUTH_KBDINT_START,
                    MonitorMessage.AUTH_KBDINT_RESPONSE, MonitorMessage.AUTH_CONTEXT),
            State.POSTAUTH, EnumSet.of(MonitorMessage.START_REKEX, MonitorMessage.SIGN, MonitorMessage.RECORD_LOGIN,
                    MonitorMessage.RECORD_LOGOUT, MonitorMessage.NAMES));

    /** Why a session ended, for the daemon's log and its decision to kill the worker. */
    public enum End { CLOSED, VIOLATION }

    private final int channel;
    private final int workerPid;
    private final InetSocketAddress peer;
    private final HostKeys hostKeys;
    private final AuthSettings settings;
    private final LoginRecorder recorder;
    private final String config;
    private final Account unprivileged;
    private final NssAccounts names = new NssAccounts();

    private State state = State.PREAUTH;
    private boolean kexAnnounced;
    private byte[] sessionId;
    private int keyExchanges;
    private final Authentication auth;
    private KbdIntConversation kbdInt;
    /** The command a key or certificate that authenticated the user forces, if any. */
    private Optional<String> forcedCommand = Optional.empty();
    private boolean finished;
    /** The LoginGraceTime alarm, cancelled once the user is authenticated. */
    private volatile ScheduledFuture<?> grace;
    private Session login;
    private boolean loggedOut;

    public MonitorSession(int channel, int workerPid, InetSocketAddress peer, HostKeys hostKeys,
                          AuthSettings settings, LoginRecorder recorder, String config, Account unprivileged) {
        this.channel = channel;
        this.workerPid = workerPid;
        this.peer = peer;
        this.hostKeys = hostKeys;
        this.settings = settings;
        this.recorder = recorder;
        this.config = config;
        this.unprivileged = unprivileged;
        this.auth = new Authentication(settings, peer);
    }

    /** Serves the worker until it closes its end (CLOSED) or breaks the protocol (VIOLATION). */
    public End run() {
        grace = settings.loginGraceTime().isZero() ? null
                : TIMER.schedule(this::graceExpired, settings.loginGraceTime().toMillis(), TimeUnit.MILLISECONDS);
        try {
            Buffer hello = Packets.payload(MonitorMessage.HELLO);
            hello.putString(config);
            hello.putInt(hostKeys.publicBlobs().size());
            hostKeys.publicBlobs().forEach(hello::putBytes);
            hello.putInt(Integer.toUnsignedLong(unprivileged.uid()));
            hello.putInt(Integer.toUnsignedLong(unprivileged.gid()));
            Packets.write(channel, hello);
            while (true) {
                Buffer request = Packets.read(channel);
                MonitorMessage type = MonitorMessage.of(request.getUByte());
                if (type == null || !ALLOWED.get(state).contains(type)) {
                    throw new MonitorProtocolException("request " + (type == null ? "of unknown type" : type)
                            + " not allowed in state " + state);
                }
                Packets.write(channel, answer(type, request));
            }
        } catch (EOFException e) {
            return End.CLOSED;
        } catch (MonitorProtocolException e) {
            log.error("monitor: worker %d for %s port %d: %s; killing it", workerPid, address(), peer.getPort(),
                    e.getMessage());
            return End.VIOLATION;
        } catch (SysCallException e) {
            log.error("monitor: channel to worker %d: %s", workerPid, e.getMessage());
            return End.CLOSED;
        } finally {
            if (grace != null) {
                grace.cancel(false);
            }
        }
    }

    /** LoginGraceTime: a worker still unauthenticated is killed, as sshd's grace alarm does. */
    private void graceExpired() {
        if (auth.authenticated().isEmpty()) {
            log.info("Timeout before authentication for %s port %d", address(), peer.getPort());
            try {
                Processes.kill(workerPid, SIGKILL);
            } catch (SysCallException e) {
                log.debug1("kill %d: %s", workerPid, e.getMessage());
            }
        }
    }

    /**
     * Records the logout if the worker logged in and did not say goodbye (crash, kill -9, the
     * daemon stopping), ends PAM, and logs the end; once, whichever thread gets here first.
     */
    public synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (login != null && !loggedOut) {
            recorder.logout(login, Instant.now());
            loggedOut = true;
        }
        if (kbdInt != null) {
            kbdInt.abandon();
        }
        auth.closePam();
        Optional<Account> authenticated = auth.authenticated();
        if (authenticated.isPresent()) {
            log.info("Disconnected from user %s %s port %d", authenticated.get().name(), address(), peer.getPort());
        } else if (auth.user() != null) {
            log.info("Connection closed by %s %s %s port %d [preauth]",
                    auth.valid() ? "authenticating user" : "invalid user", auth.user(), address(), peer.getPort());
        } else {
            log.info("Connection closed by %s port %d [preauth]", address(), peer.getPort());
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
            case AUTH_CONTEXT -> authContext(request);
            case RECORD_LOGIN -> recordLogin(request);
            case RECORD_LOGOUT -> recordLogout(request);
            case NAMES -> names(request);
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
        SignRequest r = Packets.parse(request, p -> new SignRequest(p.getString(), p.getBytes(), p.getBytes()));
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
                workerPid, r.algorithm());
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
        PubkeyRequest r = Packets.parse(request, p -> new PubkeyRequest(p.getString(), p.getString(), p.getString(),
                p.getBytes(), p.getBoolean() ? p.getBytes() : null));
        requireSessionId();
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
        Optional<Account> account = auth.begin(r.user());
        Optional<Optional<String>> command = account.flatMap(a -> authorizedKey(a, key));
        if (account.isEmpty() || command.isEmpty()) {
            return failed(start, "publickey", detail);
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
        if (!good || !auth.rootAllowed(account.get(), "publickey", command.get().isPresent())) {
            return failed(start, "publickey", detail);
        }
        Authentication.Result result = auth.succeed("publickey", detail);
        if (result == Authentication.Result.AUTHENTICATED || result == Authentication.Result.PARTIAL) {
            command.get().ifPresent(c -> forcedCommand = Optional.of(c));
        }
        return authResult(result);
    }

    /** Whether the account accepts this key, and if so the command forced with it (command=, force-command). */
    private Optional<Optional<String>> authorizedKey(Account account, PublicKey key) {
        List<Path> files = settings.authorizedKeysFiles().apply(account);
        if (key instanceof OpenSshCertificate cert) {
            // authorized_keys (cert-authority lines) first, then TrustedUserCAKeys, as sshd.
            return Certificates.checkAuthorizedKeysCa(account, files, cert, peer.getAddress(), settings.strictModes())
                    .or(() -> Certificates.checkTrustedCa(account, cert, settings.trustedUserCaKeys(),
                            principals(account), peer.getAddress()))
                    .map(Certificates.Accepted::forceCommand);
        }
        return AuthorizedKeys.find(account, files, key, peer.getAddress(), settings.strictModes())
                .map(KeyOptions::command);
    }

    /** AuthorizedPrincipalsFile's lines, when one is configured (a missing file lists no one). */
    private Optional<List<String>> principals(Account account) {
        return settings.authorizedPrincipalsFile().apply(account).map(file -> {
            try {
                return Files.readAllLines(file);
            } catch (IOException e) {
                // A configured file that cannot be read lists no one, as in sshd.
                log.debug1("AuthorizedPrincipalsFile %s: %s", file, e.getMessage());
                return List.of();
            }
        });
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

    private Buffer failed(long start, String method, String detail) {
        Authentication.Result result = auth.fail(method, detail);
        auth.delayFailure(start);
        return authResult(result);
    }

    private void requireSessionId() throws MonitorProtocolException {
        if (sessionId == null) {
            throw new MonitorProtocolException("authentication before the first key exchange");
        }
    }

    private record PasswordRequest(String user, String password) {}

    private Buffer authPassword(Buffer request) throws MonitorProtocolException {
        PasswordRequest r = Packets.parse(request, p -> new PasswordRequest(p.getString(), p.getString()));
        requireSessionId();
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
            return failed(start, "password", "");
        }
        return authResult(auth.succeed("password", ""));
    }

    private record KbdIntStart(String user, String submethods) {}

    /** keyboard-interactive through PAM, as sshd's "pam" device; unknown users get PAM's prompts too. */
    private Buffer kbdIntStart(Buffer request) throws MonitorProtocolException {
        KbdIntStart r = Packets.parse(request, p -> new KbdIntStart(p.getString(), p.getString()));
        requireSessionId();
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
                list.add(p.getString());
            }
            return list;
        });
        if (kbdInt == null) {
            throw new MonitorProtocolException("AUTH_KBDINT_RESPONSE without a keyboard-interactive exchange");
        }
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
            return failed(start, method, "");
        }
        auth.adoptPam(outcome.pam().get());
        return authResult(auth.succeed(method, ""));
    }

    private Buffer authContext(Buffer request) throws MonitorProtocolException {
        String user = Packets.parse(request, Buffer::getString);
        Account authenticated = auth.authenticated().orElse(null);
        if (authenticated == null || !authenticated.name().equals(user)) {
            throw new MonitorProtocolException("AUTH_CONTEXT for \"" + user + "\" but the monitor authenticated "
                    + (authenticated == null ? "nobody" : "\"" + authenticated.name() + "\""));
        }
        int[] groups;
        try {
            groups = PrivilegeDrop.groupList(authenticated.name(), authenticated.gid());
        } catch (SysCallException e) {
            log.error("monitor: cannot list the groups of %s: %s", authenticated.name(), e.getMessage());
            return failure("no group list for " + authenticated.name());
        }
        state = State.POSTAUTH;
        if (grace != null) {
            grace.cancel(false);
        }
        Buffer reply = Packets.payload(MonitorMessage.AUTH_CONTEXT_REPLY);
        reply.putString(authenticated.name());
        reply.putInt(Integer.toUnsignedLong(authenticated.uid()));
        reply.putInt(Integer.toUnsignedLong(authenticated.gid()));
        reply.putString(authenticated.home().toString());
        reply.putInt(groups.length);
        for (int g : groups) {
            reply.putInt(Integer.toUnsignedLong(g));
        }
        reply.putString(forcedCommand.orElse(""));
        return reply;
    }

    private Buffer recordLogin(Buffer request) throws MonitorProtocolException {
        Packets.parse(request, p -> null);
        if (login != null) {
            throw new MonitorProtocolException("RECORD_LOGIN twice");
        }
        Account authenticated = auth.authenticated().orElseThrow();
        login = new Session(workerPid, "sftp" + workerPid, authenticated.name(), authenticated.uid(),
                peer.getAddress(), address(), Instant.now());
        recorder.login(login);
        auth.openSession();
        return Packets.payload(MonitorMessage.OK);
    }

    private Buffer recordLogout(Buffer request) throws MonitorProtocolException {
        Packets.parse(request, p -> null);
        if (login == null || loggedOut) {
            throw new MonitorProtocolException("RECORD_LOGOUT without a recorded login");
        }
        recorder.logout(login, Instant.now());
        loggedOut = true;
        return Packets.payload(MonitorMessage.OK);
    }

    private record NameRequest(int kind, int id) {}

    private Buffer names(Buffer request) throws MonitorProtocolException {
        NameRequest r = Packets.parse(request, p -> new NameRequest(p.getUByte(), p.getInt()));
        if (r.kind() > 1) {
            throw new MonitorProtocolException("NAMES of unknown kind " + r.kind());
        }
        String name = (r.kind() == 0 ? names.userName(r.id()) : names.groupName(r.id())).orElse("");
        Buffer reply = Packets.payload(MonitorMessage.NAMES_REPLY);
        reply.putString(name);
        return reply;
    }

    private static Buffer authResult(Authentication.Result result) {
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
        return peer.getAddress().getHostAddress();
    }
}
