// A transport that breaks the monitor protocol as the file "transport-script" beside its class says, else the real one.
package dev.sftpd.server.it;

import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.Packets;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.transport.TransportMain;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * The daemon runs it as its transports' main class (system property sftpd.transport.main) for
 * MonitorProtocolIT. Its class directory is on the class path, which the transport's jail
 * holds read-only, so the test writes the script there; a pooled transport reads it once it has
 * a client. After misbehaving it waits: only the monitor's SIGKILL may end it.
 */
public final class ScriptedTransport {
    static final String SCRIPT = "transport-script";
    private static final String USER = "alice";
    private static final String SERVICE = "ssh-connection";

    /** Each misbehaviour, with what the monitor's log line about it must say. */
    enum Script {
        /** A packet_length of 65540: aligned, but over the 65536 limit. */
        OVERSIZED_PACKET("bad packet length 65540"),
        /** A well-framed packet whose type byte (0xEE) no message has. */
        UNKNOWN_TYPE("unknown type"),
        /** A key exchange announced, then 20 bytes to sign: no exchange hash is that short. */
        SIGN_NON_HASH("refused to sign 20 bytes"),
        /** A second key exchange signed before anyone authenticated. */
        SECOND_SIGN_BEFORE_AUTHENTICATION("START_REKEX more than 1 time(s) in state PREAUTH"),
        /** A session (an engine as some user) asked for before authentication. */
        ENGINE_BEFORE_AUTHENTICATION("ENGINE_START not allowed in state PREAUTH"),
        /** Authentication begun for alice, then asked for bob. */
        USER_SWITCH("user/service changed from \"alice\"/\"ssh-connection\" to \"bob\"/\"ssh-connection\""),
        /** Authentication begun for alice's ssh-connection, then for another service. */
        SERVICE_SWITCH("to \"alice\"/\"other-service\""),
        /** One more attempt after the monitor said MaxAuthTries were used up. */
        ATTEMPT_AFTER_MAX_AUTH_TRIES("authentication request after MaxAuthTries"),
        /** A password for "alice\0x": getpwnam and PAM would see "alice", a different user from the one asked for. */
        NUL_IN_USER_NAME("malformed payload: string with a NUL at character 5 of 7"),
        /** A password with a NUL: crypt and PAM would check only the part before it. */
        NUL_IN_PASSWORD("malformed payload: string with a NUL at character 3 of 9");

        final String violation;

        Script(String violation) {
            this.violation = violation;
        }
    }

    private ScriptedTransport() {}

    public static void main(String[] args) throws Exception {
        Path script = scriptFile();
        MonitorCalls monitor = new MonitorCalls(MonitorCalls.CHANNEL_FD);
        MonitorCalls.Hello hello = monitor.hello();
        MonitorCalls.Connection connection = monitor.awaitConnection();
        if (!Files.exists(script)) {
            TransportMain.serve(TransportMain.prepare(monitor, hello), connection);
            return;
        }
        byte[] hostKey = hello.hostKeyBlobs().get(0);
        switch (Script.valueOf(Files.readString(script).strip())) {
            case OVERSIZED_PACKET -> {
                byte[] header = {0, 1, 0, 4, 4};
                Sockets.writeFully(MonitorCalls.CHANNEL_FD, header, 0, header.length);
            }
            case UNKNOWN_TYPE -> Packets.write(MonitorCalls.CHANNEL_FD, new ByteArrayBuffer(new byte[] {(byte) 0xEE}));
            case SIGN_NON_HASH -> monitor.sign("ssh-ed25519", hostKey, new byte[20]);
            case SECOND_SIGN_BEFORE_AUTHENTICATION -> {
                monitor.sign("ssh-ed25519", hostKey, new byte[32]);
                monitor.sign("ssh-ed25519", hostKey, new byte[32]);
            }
            case ENGINE_BEFORE_AUTHENTICATION -> {
                monitor.sign("ssh-ed25519", hostKey, new byte[32]);
                monitor.startEngine("subsystem", "sftp", "SSH-2.0-OpenSSH_9.2p1");
            }
            case USER_SWITCH -> {
                monitor.sign("ssh-ed25519", hostKey, new byte[32]);
                monitor.authPublicKey(USER, SERVICE, "ecdsa-sha2-nistp256", unknownKey(), null);
                monitor.authPublicKey("bob", SERVICE, "ecdsa-sha2-nistp256", unknownKey(), null);
            }
            case SERVICE_SWITCH -> {
                monitor.sign("ssh-ed25519", hostKey, new byte[32]);
                monitor.authPublicKey(USER, SERVICE, "ecdsa-sha2-nistp256", unknownKey(), null);
                monitor.authPublicKey(USER, "other-service", "ecdsa-sha2-nistp256", unknownKey(), null);
            }
            case ATTEMPT_AFTER_MAX_AUTH_TRIES -> {
                monitor.sign("ssh-ed25519", hostKey, new byte[32]);
                while (monitor.authPublicKey(USER, SERVICE, "ecdsa-sha2-nistp256", unknownKey(), null)
                        != MonitorCalls.AuthResult.NO_MORE_ATTEMPTS) {
                    // Each key alice does not have is one failed attempt.
                }
                monitor.authPublicKey(USER, SERVICE, "ecdsa-sha2-nistp256", unknownKey(), null);
            }
            case NUL_IN_USER_NAME -> {
                monitor.sign("ssh-ed25519", hostKey, new byte[32]);
                monitor.authPassword(USER + "\0x", SERVICE, "secret");
            }
            case NUL_IN_PASSWORD -> {
                monitor.sign("ssh-ed25519", hostKey, new byte[32]);
                monitor.authPassword(USER, SERVICE, "sec\0ret!!");
            }
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    /** The public blob of a fresh key no authorized_keys lists. */
    private static byte[] unknownKey() throws Exception {
        ByteArrayBuffer blob = new ByteArrayBuffer();
        blob.putRawPublicKey(KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic());
        return blob.getCompactData();
    }

    /** Beside this class, in the test classes' directory. */
    static Path scriptFile() throws URISyntaxException {
        return Path.of(ScriptedTransport.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(SCRIPT);
    }
}
