// altprivsep framing of monitor messages: uint32 length, padding length, payload, padding to a multiple of 8.
package dev.sftpd.privsep;

import dev.sftpd.sftp.posix.SysCallException;
import java.io.EOFException;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

public final class Packets {
    /** The hard limit on packet_length: nothing the protocol carries comes near it. */
    public static final int MAX_PACKET = 64 * 1024;
    private static final int MIN_PADDING = 4;

    private Packets() {}

    /** A payload starting with the message's type byte; add fields with the Buffer's put methods. */
    public static Buffer payload(MonitorMessage type) {
        Buffer b = new ByteArrayBuffer(64, false);
        b.putByte((byte) type.type);
        return b;
    }

    /** Frames and writes one payload (the buffer's readable bytes). */
    public static void write(int fd, Buffer payload) throws SysCallException {
        int n = payload.available();
        // 4..11 bytes, making 4 + 1 + n + padding a multiple of 8.
        int padding = 11 - n % 8;
        int packetLength = 1 + n + padding;
        if (packetLength > MAX_PACKET) {
            throw new IllegalArgumentException("monitor message of " + n + " bytes is over the limit");
        }
        byte[] frame = new byte[4 + packetLength];
        frame[0] = (byte) (packetLength >>> 24);
        frame[1] = (byte) (packetLength >>> 16);
        frame[2] = (byte) (packetLength >>> 8);
        frame[3] = (byte) packetLength;
        frame[4] = (byte) padding;
        System.arraycopy(payload.array(), payload.rpos(), frame, 5, n);
        Sockets.writeFully(fd, frame, 0, frame.length);
    }

    /**
     * Reads one packet and returns its payload, positioned at the type byte.
     *
     * @throws EOFException when the peer closed the channel at a packet boundary
     * @throws MonitorProtocolException for anything that is not a well-formed packet
     */
    public static Buffer read(int fd) throws SysCallException, EOFException, MonitorProtocolException {
        byte[] header = new byte[4];
        if (!readFully(fd, header, true)) {
            throw new EOFException("monitor channel closed");
        }
        int packetLength = (header[0] & 0xff) << 24 | (header[1] & 0xff) << 16 | (header[2] & 0xff) << 8
                | (header[3] & 0xff);
        if (packetLength < 1 + MIN_PADDING + 1 || packetLength > MAX_PACKET || (4 + packetLength) % 8 != 0) {
            throw new MonitorProtocolException("bad packet length " + Integer.toUnsignedString(packetLength));
        }
        byte[] body = new byte[packetLength];
        readFully(fd, body, false);
        int padding = body[0] & 0xff;
        if (padding < MIN_PADDING || padding > packetLength - 2) {
            throw new MonitorProtocolException("bad padding length " + padding);
        }
        return new ByteArrayBuffer(body, 1, packetLength - 1 - padding);
    }

    /**
     * Reads a payload's fields with {@code parse} and insists they fill it exactly: a short or
     * overlong payload is a protocol violation, never a partial request.
     */
    public static <T> T parse(Buffer payload, java.util.function.Function<Buffer, T> parse)
            throws MonitorProtocolException {
        T value;
        try {
            value = parse.apply(payload);
        } catch (RuntimeException e) {
            throw new MonitorProtocolException("malformed payload: " + e.getMessage());
        }
        if (payload.available() != 0) {
            throw new MonitorProtocolException(payload.available() + " bytes left over after the fields");
        }
        return value;
    }

    /**
     * A text field the monitor acts on (a user name, a service, a password, an answer, a command):
     * any NUL makes the payload malformed, because C code given it (getpwnam, PAM, crypt) would
     * stop there and act on a different string from the one checked and logged.
     */
    public static String text(Buffer payload) {
        String s = payload.getString();
        int nul = s.indexOf('\0');
        if (nul >= 0) {
            throw new IllegalArgumentException("string with a NUL at character " + nul + " of " + s.length());
        }
        return s;
    }

    private static boolean readFully(int fd, byte[] buf, boolean atBoundary)
            throws SysCallException, MonitorProtocolException {
        int done = 0;
        while (done < buf.length) {
            int n = Sockets.read(fd, buf, done, buf.length - done);
            if (n == 0) {
                if (done == 0 && atBoundary) {
                    return false;
                }
                throw new MonitorProtocolException("monitor channel closed in the middle of a packet");
            }
            done += n;
        }
        return true;
    }
}
