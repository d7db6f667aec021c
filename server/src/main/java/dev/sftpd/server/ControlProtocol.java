// PROTOCOL.mux version 4 as the control socket speaks it: message numbers, framing, and sftpd's session-list extension.
package dev.sftpd.server;

import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Each message is a uint32 length, then that many bytes: a uint32 type, then fields in SSH wire
 * encoding. The numbers are OpenSSH's (mux.c); the session list is sftpd's own, documented in
 * PROTOCOL.control.
 */
final class ControlProtocol {
    static final int VERSION = 4;

    static final int MUX_MSG_HELLO = 0x00000001;
    static final int MUX_C_ALIVE_CHECK = 0x10000004;
    static final int MUX_C_TERMINATE = 0x10000005;
    static final int MUX_C_STOP_LISTENING = 0x10000009;
    static final int MUX_S_OK = 0x80000001;
    static final int MUX_S_PERMISSION_DENIED = 0x80000002;
    static final int MUX_S_FAILURE = 0x80000003;
    static final int MUX_S_ALIVE = 0x80000005;
    /** sftpd's extension, announced in the master's HELLO; numbered clear of OpenSSH's 0x2/0x9 extension range. */
    static final String SESSIONS_EXTENSION = "sessions@sftpd.dev";
    static final int MUX_C_SESSIONS = 0x2000f001;
    static final int MUX_S_SESSIONS = 0x9000f001;
    /** The handover extension, announced as HANDOVER_EXTENSION: the listening sockets, passed with SCM_RIGHTS. */
    static final String HANDOVER_EXTENSION = "handover@sftpd.dev";
    static final int MUX_C_HANDOVER = 0x2000f002;
    static final int MUX_S_HANDOVER = 0x9000f002;
    /** The restart extension: the daemon starts its own successor, which then takes over by handover. */
    static final String RESTART_EXTENSION = "restart@sftpd.dev";
    static final int MUX_C_RESTART = 0x2000f003;
    static final int MUX_S_RESTARTING = 0x9000f003;

    /** Far above any message either side sends; a longer one is malformed rather than read. */
    static final int MAX_PACKET = 16 * 1024;

    /** A packet that breaks the framing or the fields of its type. */
    static final class MalformedException extends IOException {
        MalformedException(String message) {
            super(message, null);
        }
    }

    private ControlProtocol() {}

    /** One packet's body (type and fields); EOFException when the peer closed before a whole packet. */
    static ByteBuffer read(Fd fd) throws IOException, SysCallException {
        ByteBuffer header = readFully(fd, 4);
        int length = header.getInt();
        if (length < 4 || length > MAX_PACKET) {
            throw new MalformedException("packet length " + Integer.toUnsignedString(length));
        }
        return readFully(fd, length);
    }

    private static ByteBuffer readFully(Fd fd, int n) throws IOException, SysCallException {
        byte[] buf = new byte[n];
        for (int done = 0; done < n; ) {
            int got = Sockets.read(fd.fd(), buf, done, n - done);
            if (got == 0) {
                throw new EOFException("connection closed");
            }
            done += got;
        }
        return ByteBuffer.wrap(buf);
    }

    static void write(Fd fd, Message message) throws SysCallException {
        byte[] body = message.bytes();
        byte[] packet = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
        Sockets.writeFully(fd.fd(), packet, 0, packet.length);
    }

    /** A message being built: a type, then fields. */
    static final class Message {
        private ByteBuffer buf = ByteBuffer.allocate(64);

        Message(int type) {
            putInt(type);
        }

        Message putInt(int value) {
            room(4).putInt(value);
            return this;
        }

        Message putLong(long value) {
            room(8).putLong(value);
            return this;
        }

        Message putString(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            putInt(utf8.length);
            room(utf8.length).put(utf8);
            return this;
        }

        private ByteBuffer room(int n) {
            if (buf.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
                buf = bigger.put(buf.flip());
            }
            return buf;
        }

        byte[] bytes() {
            byte[] out = new byte[buf.position()];
            buf.duplicate().flip().get(out);
            return out;
        }
    }

    static int getInt(ByteBuffer b) throws MalformedException {
        try {
            return b.getInt();
        } catch (BufferUnderflowException e) {
            throw new MalformedException("message ends inside a uint32");
        }
    }

    static long getLong(ByteBuffer b) throws MalformedException {
        try {
            return b.getLong();
        } catch (BufferUnderflowException e) {
            throw new MalformedException("message ends inside a uint64");
        }
    }

    static String getString(ByteBuffer b) throws MalformedException {
        int length = getInt(b);
        if (length < 0 || length > b.remaining()) {
            throw new MalformedException("string length " + Integer.toUnsignedString(length) + " past the message");
        }
        byte[] s = new byte[length];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    /** Fields left over after a message's last one make it malformed, as in OpenSSH's strict parsers. */
    static void end(ByteBuffer b) throws MalformedException {
        if (b.hasRemaining()) {
            throw new MalformedException(b.remaining() + " bytes after the message's last field");
        }
    }
}
