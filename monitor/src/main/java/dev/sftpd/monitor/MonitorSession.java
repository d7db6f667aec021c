// The monitor's side of one connection: answers its worker's requests (as OpenSSH's monitor.c) and
// keeps the record of who authenticated, what the session id is and whether the login was recorded.
package dev.sftpd.monitor;

import dev.sftpd.log.SshLog;
import dev.sftpd.monitor.auth.Account;
import dev.sftpd.monitor.auth.AllowedUser;
import dev.sftpd.monitor.auth.AuthorizedKeys;
import dev.sftpd.monitor.auth.KeyOptions;
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
import java.io.EOFException;
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

    enum State { PREAUTH, POSTAUTH }

    /** Which requests each state allows (monitor.c's dispatch tables). */
    private static final Map<State, Set<MonitorMessage>> ALLOWED = Map.of(
            State.PREAUTH, EnumSet.of(MonitorMessage.START_REKEX, MonitorMessage.SIGN, MonitorMessage.AUTH_PUBKEY,
                    MonitorMessage.AUTH_PASSWORD, MonitorMessage.AUTH_CONTEXT),
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
    private Account authenticated;
    /** The last user an authentication attempt named, and whether that account may log in. */
    private String attemptedUser;
    private boolean attemptedValid;
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
    }

    /** Serves the worker until it closes its end (CLOSED) or breaks the protocol (VIOLATION). */
    public End run() {
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
        }
    }

    /** Records the logout if the worker logged in and did not say goodbye (crash, kill -9). */
    public void finish() {
        if (login != null && !loggedOut) {
            recorder.logout(login, Instant.now());
            loggedOut = true;
        }
        if (authenticated != null) {
            log.info("Disconnected from user %s %s port %d", authenticated.name(), address(), peer.getPort());
        } else if (attemptedUser != null) {
            log.info("Connection closed by %s %s %s port %d [preauth]",
                    attemptedValid ? "authenticating user" : "invalid user", attemptedUser, address(), peer.getPort());
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

    private Buffer authPublicKey(Buffer request) throws MonitorProtocolException {
        PubkeyRequest r = Packets.parse(request, p -> new PubkeyRequest(p.getString(), p.getString(), p.getString(),
                p.getBytes(), p.getBoolean() ? p.getBytes() : null));
        if (sessionId == null) {
            throw new MonitorProtocolException("authentication before the first key exchange");
        }
        if (!settings.pubkeyAuthentication()) {
            return authResult(0);
        }
        Optional<Account> account = permittedAccount(r.user());
        PublicKey key;
        try {
            key = new ByteArrayBuffer(r.blob()).getRawPublicKey();
        } catch (java.io.IOException | RuntimeException e) {
            log.verbose("monitor: unparseable public key from %s port %d: %s", address(), peer.getPort(), e.getMessage());
            return authResult(0);
        }
        if (account.isEmpty()) {
            return authResult(0);
        }
        Optional<KeyOptions> allowed = AuthorizedKeys.find(account.get(),
                settings.authorizedKeysFiles().apply(account.get()), key, peer.getAddress(), settings.strictModes());
        if (allowed.isEmpty()) {
            if (r.signature() != null) {
                logPublicKey("Failed", r.user(), key);
            }
            return authResult(0);
        }
        if (r.signature() == null) {
            return authResult(1);
        }
        byte[] signed = new PublicKeyRequest(sessionId, r.user(), r.service(), r.algorithm(), r.blob()).signedData();
        if (!PublicKeySignature.verify(key, r.signature(), signed, r.algorithm())) {
            logPublicKey("Failed", r.user(), key);
            return authResult(0);
        }
        authenticated = account.get();
        logPublicKey("Accepted", r.user(), key);
        return authResult(2);
    }

    /** sshd's getpwnamallow(): the account exists and may log in at all; logs the refusal as sshd does. */
    private Optional<Account> permittedAccount(String user) {
        attemptedUser = user;
        attemptedValid = false;
        Optional<Account> account = Account.lookup(user);
        if (account.isEmpty()) {
            log.info("Invalid user %s from %s port %d", user, address(), peer.getPort());
            return Optional.empty();
        }
        if (AllowedUser.refusal(account.get()).isPresent()) {
            return Optional.empty();
        }
        attemptedValid = true;
        return account;
    }

    private void logPublicKey(String outcome, String user, PublicKey key) {
        log.info("%s publickey for %s from %s port %d ssh2: %s %s", outcome, user, address(), peer.getPort(),
                keyTypeName(key), KeyUtils.getFingerPrint(key));
    }

    /** sshd_key_type(): "ED25519", "RSA", "ECDSA". */
    private static String keyTypeName(PublicKey key) {
        String type = KeyUtils.getKeyType(key);
        if (type.startsWith("ecdsa")) {
            return "ECDSA";
        }
        return type.replaceFirst("^ssh-", "").toUpperCase(Locale.ROOT);
    }

    private Buffer authPassword(Buffer request) throws MonitorProtocolException {
        Packets.parse(request, p -> {
            p.getString();
            p.getString();
            return null;
        });
        // Password and PAM authentication are the issue "authentication and access policy".
        return authResult(0);
    }

    private Buffer authContext(Buffer request) throws MonitorProtocolException {
        String user = Packets.parse(request, Buffer::getString);
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
        Buffer reply = Packets.payload(MonitorMessage.AUTH_CONTEXT_REPLY);
        reply.putString(authenticated.name());
        reply.putInt(Integer.toUnsignedLong(authenticated.uid()));
        reply.putInt(Integer.toUnsignedLong(authenticated.gid()));
        reply.putString(authenticated.home().toString());
        reply.putInt(groups.length);
        for (int g : groups) {
            reply.putInt(Integer.toUnsignedLong(g));
        }
        return reply;
    }

    private Buffer recordLogin(Buffer request) throws MonitorProtocolException {
        Packets.parse(request, p -> null);
        if (login != null) {
            throw new MonitorProtocolException("RECORD_LOGIN twice");
        }
        login = new Session(workerPid, "sftp" + workerPid, authenticated.name(), authenticated.uid(),
                peer.getAddress(), address(), Instant.now());
        recorder.login(login);
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

    private static Buffer authResult(int result) {
        Buffer reply = Packets.payload(MonitorMessage.AUTH_RESULT);
        reply.putByte((byte) result);
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

    /** The user the monitor authenticated, once it has. */
    public Optional<Account> authenticatedUser() {
        return Optional.ofNullable(authenticated);
    }
}
