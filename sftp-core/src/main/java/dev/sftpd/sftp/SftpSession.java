// One client's SFTP session: protocol state, open handles, request dispatch and replies.
package dev.sftpd.sftp;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.SshLog;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Not thread-safe: one thread feeds it messages in arrival order, as sftp-server's loop does. */
public final class SftpSession {
    static final SshLog log = SshLog.get(SftpSession.class);

    final Posix posix;
    final Accounts accounts;
    final Accounts.User user;
    final HandleTable handles = new HandleTable();
    private final ServerOptions options;
    private final String clientAddress;
    private final ReplySink sink;
    /**
     * The request being handled, in the native memory StreamServer read it into, indexed as its
     * array; null when it came as an array only.
     */
    ByteBuffer request;
    private final OperationLog operations;
    private boolean initDone;
    /** The status the request being handled was answered with (a handle counts as OK), for the audit trail. */
    private Status answered;
    /** Why the request being handled was refused, if it was. */
    private String refusal;

    public SftpSession(ServerOptions options, Accounts accounts, Accounts.User user, String clientAddress,
                       ReplySink sink) {
        this(options, accounts, user, clientAddress, sink, OperationLog.NONE);
    }

    /** A session that reports its audited operations to {@code operations}. */
    public SftpSession(ServerOptions options, Accounts accounts, Accounts.User user, String clientAddress,
                       ReplySink sink, OperationLog operations) {
        this(Posix.get(), options, accounts, user, clientAddress, sink, operations);
    }

    /** A session whose system calls go through {@code posix} (the fuzz tests' confined one). */
    SftpSession(Posix posix, ServerOptions options, Accounts accounts, Accounts.User user, String clientAddress,
                ReplySink sink) {
        this(posix, options, accounts, user, clientAddress, sink, OperationLog.NONE);
    }

    private SftpSession(Posix posix, ServerOptions options, Accounts accounts, Accounts.User user,
                        String clientAddress, ReplySink sink, OperationLog operations) {
        this.operations = operations;
        this.posix = posix;
        this.options = options;
        this.accounts = accounts;
        this.user = user;
        this.clientAddress = clientAddress;
        this.sink = sink;
    }

    /** Logs the start of the session as sftp-server does. */
    public void open() {
        log.info("session opened for local user %s from [%s]", user.name(), clientAddress);
    }

    /** Closes what the client left open, logging each as a forced close, and logs the end of the session. */
    public void close() {
        handles.forEachOpen(h -> {
            logClose(h, "forced ");
            long start = System.nanoTime();
            Audited.Pending p = forcedClose(h);
            closeQuietly(h);
            try {
                record(Audited.CLOSE, "close", p, Status.OK, Operation.FORCED, start);
            } catch (IOException e) {
                log.error("forced close \"%s\" not audited: %s", show(h.name()), e.getMessage());
            }
        });
        log.info("session closed for local user %s from [%s]", user.name(), clientAddress);
        operations.sessionEnded();
    }

    private static Audited.Pending forcedClose(HandleTable.Handle h) {
        return new Audited.Pending(h.name(), new byte[0], 0,
                h instanceof HandleTable.FileHandle f ? new Audited.Counts(f) : null, null);
    }

    /**
     * {@link #process(byte[], int, int)} of a request StreamServer read into native memory:
     * msg[0, len) holds all of it but a WRITE's data, which the WRITE takes from request.
     */
    void process(byte[] msg, int len, ByteBuffer request) throws SessionEndException, IOException {
        this.request = request;
        try {
            process(msg, 0, len);
        } finally {
            this.request = null;
        }
    }

    /** Handles one message (type byte onwards, without its length prefix). */
    public void process(byte[] msg, int off, int len) throws SessionEndException, IOException {
        Decoder in = new Decoder(msg, off, len);
        String what = "message";
        try {
            int type = in.u8();
            if (type == Sftp.FXP_INIT) {
                what = "init";
                init(in.u32());
                return;
            }
            if (!initDone) {
                throw fatal(type == Sftp.FXP_EXTENDED
                        ? "Received extended request before init"
                        : "Received " + type + " request before init");
            }
            int id = in.u32();
            Handler h;
            if (type == Sftp.FXP_EXTENDED) {
                String name = new String(in.cstring(), StandardCharsets.ISO_8859_1);
                h = RequestTable.byExtension(name).orElse(null);
                if (h == null) {
                    log.error("Unknown extended request \"%.100s\"", name);
                    status(id, Status.OP_UNSUPPORTED);
                    return;
                }
            } else {
                h = RequestTable.byType(type).orElse(null);
                if (h == null) {
                    log.error("Unknown message %d", type);
                    return;
                }
            }
            what = h.name() + " request " + Integer.toUnsignedString(id);
            long start = System.nanoTime();
            answered = null;
            refusal = refusal(h);
            // Only what is reported is read twice: a READ or WRITE that runs costs the audit nothing.
            boolean reported = operations != OperationLog.NONE && (refusal != null || h.audited() != Audited.NO);
            Audited.Pending audited = reported ? h.audited().peek(this, in.copy()) : null;
            if (refusal != null) {
                status(id, Status.PERMISSION_DENIED);
            } else {
                try {
                    if (h.doesWrite()) {
                        // No change to a file while the pages of a spliced READ may still be read.
                        sink.awaitSpliced();
                    }
                    h.action().serve(this, id, in);
                } catch (SysCallException e) {
                    status(id, Status.fromErrno(e.errno()));
                }
            }
            if (audited != null) {
                record(h.audited(), h.name(), audited, answered == null ? Status.OK : answered,
                        refusal == null ? "" : refusal, start);
            }
        } catch (MalformedPacketException e) {
            throw fatal("bad " + what + " from " + clientAddress + " local user " + user.name() + ": "
                    + e.getMessage());
        }
    }

    /** request_permitted() of sftp-server.c, with its log lines. */
    boolean permitted(Handler h) {
        return refusal(h) == null;
    }

    /** Why request_permitted() refuses a request (an {@link Operation} reason), or null when it may run. */
    private String refusal(Handler h) {
        if (options.readOnly() && h.doesWrite()) {
            log.verbose("Refusing %s request in read-only mode", h.name());
            return Operation.READ_ONLY;
        }
        if (options.denied().map(d -> d.matches(h.name())).orElse(false)) {
            log.verbose("Refusing denylisted %s request", h.name());
            return Operation.DENYLISTED;
        }
        if (options.allowed().isPresent()) {
            if (options.allowed().get().matches(h.name())) {
                log.debug2("Permitting allowlisted %s request", h.name());
                return null;
            }
            log.verbose("Refusing non-allowlisted %s request", h.name());
            return Operation.NOT_ALLOWLISTED;
        }
        return null;
    }

    /** A handler's own refusal (open for writing in read-only mode): PERMISSION_DENIED, audited with its reason. */
    void refuse(int id, String reason) throws IOException {
        refusal = reason;
        status(id, Status.PERMISSION_DENIED);
    }

    /** Reports one answered operation to the audit trail; a trail that cannot be kept ends the session. */
    private void record(Audited kind, String request, Audited.Pending p, Status status, String reason, long start)
            throws IOException {
        long now = System.nanoTime();
        operations.operation(kind.complete(request, p, status, reason, now - start, now));
    }

    String clientAddress() {
        return clientAddress;
    }

    boolean readOnly() {
        return options.readOnly();
    }

    /** Whether the client is one that behaves this way ({@link ClientQuirks}). */
    boolean has(ClientQuirks.Quirk quirk) {
        return options.quirks().contains(quirk);
    }

    private void init(int clientVersion) throws IOException {
        log.verbose("received client version %d", clientVersion);
        Encoder out = new Encoder(Sftp.FXP_VERSION, 512).u32(Sftp.VERSION);
        for (Handler h : RequestTable.HANDLERS) {
            if (!h.isExtension()) {
                continue;
            }
            if (permitted(h)) {
                out.string(h.extension()).string(h.extensionVersion());
            } else {
                log.debug2("refusing to advertise disallowed extension %s", h.extension());
            }
        }
        send(out);
        initDone = true;
    }

    private SessionEndException fatal(String why) {
        log.fatal("%s", why);
        return new SessionEndException(SessionEndException.FATAL, why);
    }

    // Replies.

    void status(int id, Status status) throws IOException {
        status(id, status, status.message);
    }

    void status(int id, Status status, String message) throws IOException {
        answered = status;
        log.debug3("request %s: sent status %d", Integer.toUnsignedString(id), status.code());
        if (log.enabled(LogLevel.DEBUG1) || (status != Status.OK && status != Status.EOF)) {
            log.info("sent status %s", status.message);
        }
        send(new Encoder(Sftp.FXP_STATUS, 64).u32(id).u32(status.code()).string(message).string(""));
    }

    void handle(int id, HandleTable.Handle h) throws IOException {
        answered = Status.OK;
        int index = handles.add(h);
        log.debug1("request %s: sent handle handle %d", Integer.toUnsignedString(id), index);
        send(new Encoder(Sftp.FXP_HANDLE, 16).u32(id).string(HandleTable.wire(index)));
    }

    void attrs(int id, Attrs a) throws IOException {
        log.debug1("request %s: sent attrib have 0x%x", Integer.toUnsignedString(id), a.flags());
        Encoder out = new Encoder(Sftp.FXP_ATTRS, 64).u32(id);
        a.encode(out);
        send(out);
    }

    record NameEntry(byte[] name, byte[] longName, Attrs attrs) {}

    void names(int id, List<NameEntry> entries) throws IOException {
        log.debug1("request %s: sent names count %d", Integer.toUnsignedString(id), entries.size());
        Encoder out = new Encoder(Sftp.FXP_NAME, 256 * entries.size() + 16).u32(id).u32(entries.size());
        for (NameEntry e : entries) {
            out.string(e.name()).string(e.longName());
            e.attrs().encode(out);
        }
        send(out);
    }

    /** A single name, as REALPATH, READLINK, expand-path and home-directory answer. */
    void name(int id, byte[] name) throws IOException {
        names(id, List.of(new NameEntry(name, name, Attrs.EMPTY)));
    }

    Encoder extendedReply(int id, int capacity) {
        return new Encoder(Sftp.FXP_EXTENDED_REPLY, capacity).u32(id);
    }

    void send(Encoder reply) throws IOException {
        reply.finish();
        sink.send(reply.array(), reply.length());
    }

    /** A complete reply, its length prefix included, in frame[0, length) of a direct buffer. */
    void send(ByteBuffer frame, int length) throws IOException {
        sink.send(frame, length);
    }

    /** A READ's reply with its data moved by the kernel: see {@link ReplySink#sendFileData}. */
    int sendFileData(int id, int fd, long position, int len) throws IOException, SysCallException {
        return sink.sendFileData(id, fd, position, len);
    }

    // Handles.

    HandleTable.FileHandle fileHandle(byte[] wire) {
        return handles.lookup(wire) instanceof HandleTable.FileHandle f ? f : null;
    }

    void logClose(HandleTable.Handle h, String prefix) {
        if (h instanceof HandleTable.FileHandle f) {
            log.info("%sclose \"%s\" bytes read %d written %d", prefix, show(f.name()), f.bytesRead, f.bytesWritten);
        } else {
            log.info("%sclosedir \"%s\"", prefix, show(h.name()));
        }
    }

    void closeHandle(HandleTable.Handle h) throws SysCallException {
        handles.remove(h);
        if (h instanceof HandleTable.FileHandle f) {
            posix.close(f.fd);
        } else {
            ((HandleTable.DirHandle) h).dir().close();
        }
    }

    private void closeQuietly(HandleTable.Handle h) {
        try {
            closeHandle(h);
        } catch (SysCallException e) {
            log.debug1("close \"%s\": %s", show(h.name()), e.getMessage());
        }
    }

    /** A byte string for a log line: logging re-encodes ISO-8859-1 to the same bytes and escapes them. */
    static String show(byte[] s) {
        return new String(s, StandardCharsets.ISO_8859_1);
    }
}
