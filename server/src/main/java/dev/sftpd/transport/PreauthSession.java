// MINA's server session, with sshd's answer to a client that breaks the protocol before authenticating: log why in sshd's words, end at once.
package dev.sftpd.transport;

import dev.sftpd.log.Addresses;
import dev.sftpd.log.SshLog;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.kex.KexState;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.ServerFactoryManager;
import org.apache.sshd.server.session.ServerSessionImpl;

/**
 * Three failures a scanner or a broken client causes, logged as sshd logs them so that fail2ban's
 * sshd filter (mode aggressive) counts them: a bad identification line, a bad clear-text packet
 * length (MINA would wait for more bytes, up to LoginGraceTime, as a defence that only makes sense
 * once lengths are encrypted; sshd disconnects at once there too) and no common algorithm. After
 * one of them the session is {@link #failed()}: the transport exits with status 255, as sshd's
 * child does after sshpkt_fatal, and the monitor adds no "Connection closed" line of its own.
 */
final class PreauthSession extends ServerSessionImpl {
    private static final SshLog log = SshLog.get(PreauthSession.class);
    /** sshd's PACKET_MAX_SIZE, the limit MINA applies too. */
    private static final long MAX_PACKET_LENGTH = 256 * 1024;
    /** packet_length covers at least the padding length byte and 4 bytes of padding. */
    private static final long MIN_PACKET_LENGTH = 5;
    /** How much of a bad identification line sshd quotes ("%.100s"). */
    private static final int QUOTED = 100;
    /** How long a key exchange message waits for the negotiation it follows: a few ms of work. */
    private static final long NEGOTIATION_WAIT = TimeUnit.SECONDS.toNanos(10);
    private static final Set<KexProposalOption> LANGUAGES = Set.of(KexProposalOption.C2SLANG,
            KexProposalOption.S2CLANG);

    private volatile boolean failed;
    /** System.nanoTime() of the last packet from the client, for {@link ClientAlive}. */
    private volatile long lastReceived = System.nanoTime();

    PreauthSession(ServerFactoryManager server, IoSession io) throws Exception {
        super(server, io);
    }

    @Override
    protected void handleMessage(Buffer buffer) throws Exception {
        lastReceived = System.nanoTime();
        super.handleMessage(buffer);
    }

    /**
     * A re-exchange the byte or time limit starts from inside a write can start on the relay's
     * thread while it batches its packets (InheritedSocketSession.batched), and MINA then holds
     * that thread's channel data until the exchange ends: our KEXINIT goes to the client now, not
     * when the batch ends, or the exchange would wait for itself.
     */
    @Override
    protected byte[] sendKexInit(Map<KexProposalOption, String> proposal) throws Exception {
        byte[] sent = super.sendKexInit(proposal);
        if (getIoSession() instanceof InheritedSocketSession socket) {
            socket.sendBatch();
        }
        return sent;
    }

    long lastReceived() {
        return lastReceived;
    }

    /**
     * ClientAliveCountMax keepalives went unanswered: serverloop.c's line, then the connection ends
     * and the transport exits 255, as sshd's child does.
     */
    void clientNotResponding() {
        fail("Timeout, client not responding from user %s %s", getUsername(), remote());
        close(true);
    }

    /**
     * When both sides start a key re-exchange at once (a chacha20 session reaches the client's and
     * the server's rekey limit after about 1 GiB), MINA negotiates in the thread that sends our
     * KEXINIT, once it is out, while this reading thread goes on to the client's next message, its
     * KEX(DH)_INIT. Taken too early, that meets a key exchange not yet initialised (the JDK's X25519:
     * "Not initialized") and the session ends. sshd handles one message after the other; here a key
     * exchange message waits until the negotiation it follows is done.
     */
    @Override
    protected void handleKexMessage(int cmd, Buffer buffer) throws Exception {
        synchronized (kexState) {
            long deadline = System.nanoTime() + NEGOTIATION_WAIT;
            // MINA clears kexInitializedFuture once kex.init has run (performKexNegotiation).
            while (kexState.get() == KexState.RUN && kexInitializedFuture != null && isOpen()
                    && System.nanoTime() < deadline) {
                kexState.wait(100);
            }
        }
        super.handleKexMessage(cmd, buffer);
    }

    @Override
    protected void performKexNegotiation() throws Exception {
        try {
            super.performKexNegotiation();
        } finally {
            synchronized (kexState) {
                kexState.notifyAll();
            }
        }
    }

    /** Whether the connection ended on a protocol error, already logged. */
    boolean failed() {
        return failed;
    }

    @Override
    protected boolean readIdentification(Buffer buffer) throws Exception {
        int start = buffer.rpos();
        if (emptyFirstLine(buffer, start)) {
            // MINA takes an empty line for "no line yet" and waits for more, up to LoginGraceTime, on
            // every byte that follows; sshd refuses any first line that is no "SSH-" line. A PROXY v2
            // header from a source not trusted with one begins so ("\r\n\r\n\0\r\nQUIT\n").
            fail("Bad protocol version identification '' from %s", remote());
            throw new StreamCorruptedException("empty identification line");
        }
        try {
            return super.readIdentification(buffer);
        } catch (StreamCorruptedException | SshException e) {
            // A line MINA could not read, or one that is no SSH-2.0 identification; not a failed write.
            fail("Bad protocol version identification '%s' from %s", firstLine(buffer, start), remote());
            throw e;
        }
    }

    @Override
    protected void decode() throws Exception {
        super.decode();
        // Before the first NEWKEYS the length is clear text: MINA has read a bad one if it is discarding.
        if (inCipher == null && discarding != null) {
            byte[] data = decoderBuffer.array();
            long length = ((data[0] & 0xffL) << 24) | ((data[1] & 0xffL) << 16) | ((data[2] & 0xffL) << 8)
                    | (data[3] & 0xffL);
            if (length < MIN_PACKET_LENGTH || length > MAX_PACKET_LENGTH) {
                log.info("Bad packet length %d.", length);
                fail("ssh_dispatch_run_fatal: Connection from %s: message authentication code incorrect", remote());
                throw new SshException(SshConstants.SSH2_DISCONNECT_PROTOCOL_ERROR, "Packet corrupt");
            }
        }
    }

    @Override
    protected Map<KexProposalOption, String> negotiate() throws Exception {
        try {
            return super.negotiate();
        } catch (SshException e) {
            Optional<KexProposalOption> unmatched = unmatched(getClientKexProposals(), getServerKexProposals());
            if (unmatched.isEmpty()) {
                throw e;
            }
            fail("Unable to negotiate with %s: no matching %s found. Their offer: %s", remote(),
                    what(unmatched.get()), getClientKexProposals().get(unmatched.get()));
            throw e;
        }
    }

    /** The first proposal the two sides share no name in, in the order sshd checks them (languages may differ). */
    static Optional<KexProposalOption> unmatched(Map<KexProposalOption, String> client,
                                                 Map<KexProposalOption, String> server) {
        for (KexProposalOption option : KexProposalOption.VALUES) {
            if (LANGUAGES.contains(option)) {
                continue;
            }
            Set<String> offered = Set.of(names(server.get(option)));
            boolean common = false;
            for (String name : names(client.get(option))) {
                common |= offered.contains(name);
            }
            if (!common) {
                return Optional.of(option);
            }
        }
        return Optional.empty();
    }

    private static String[] names(String list) {
        return list == null || list.isEmpty() ? new String[0] : list.split(",");
    }

    /** ssh_err()'s words for each SSH_ERR_NO_*_ALG_MATCH. */
    static String what(KexProposalOption option) {
        return switch (option) {
            case ALGORITHMS -> "key exchange method";
            case SERVERKEYS -> "host key type";
            case C2SENC, S2CENC -> "cipher";
            case C2SMAC, S2CMAC -> "MAC";
            case C2SCOMP, S2CCOMP -> "compression method";
            case C2SLANG, S2CLANG -> "language";
        };
    }

    /**
     * sshpkt_get_cstring's rule for a string C code will see (a user name, a service, a password,
     * an answer, a command): a NUL in it makes the message malformed, and sshd ends the connection
     * ("invalid format") rather than act on the shorter string before the NUL. True when it did so
     * here; the caller then refuses the request it was reading.
     */
    static boolean endsOnNul(Session session, String... fields) {
        for (String field : fields) {
            if (field.indexOf('\0') >= 0) {
                // Every session of the transport is one (TransportServer makes them).
                PreauthSession ours = (PreauthSession) session;
                String user = session.isAuthenticated() ? "user " + session.getUsername() + " " : "";
                ours.fail("ssh_dispatch_run_fatal: Connection from %s%s: invalid format", user, ours.remote());
                try {
                    session.disconnect(SshConstants.SSH2_DISCONNECT_PROTOCOL_ERROR, "invalid format");
                } catch (IOException e) {
                    session.close(true);
                }
                return true;
            }
        }
        return false;
    }

    private void fail(String format, Object... args) {
        failed = true;
        log.info(format, args);
    }

    /** "A port P", as sshd names the client in these lines. */
    private String remote() {
        InetSocketAddress peer = (InetSocketAddress) getIoSession().getRemoteAddress();
        return Addresses.text(peer.getAddress()) + " port " + peer.getPort();
    }

    /** Whether the client's first line, as far as it has arrived, is empty: CRLF or LF. */
    private static boolean emptyFirstLine(Buffer buffer, int start) {
        byte[] data = buffer.array();
        int available = buffer.wpos() - start;
        return available > 0 && (data[start] == '\n' || (available > 1 && data[start] == '\r' && data[start + 1] == '\n'));
    }

    /** The client's first line as received, up to its end or the length sshd quotes. */
    private static String firstLine(Buffer buffer, int start) {
        byte[] data = buffer.array();
        int end = start;
        while (end < buffer.wpos() && end - start < QUOTED && data[end] != '\r' && data[end] != '\n') {
            end++;
        }
        // Latin-1 keeps every byte; the log's escaping makes the unprintable ones visible.
        return new String(data, start, end - start, StandardCharsets.ISO_8859_1);
    }
}
