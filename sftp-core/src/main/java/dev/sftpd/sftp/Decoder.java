// Reads SSH-encoded fields from one received SFTP message, refusing to run past its end.
package dev.sftpd.sftp;

import java.util.Arrays;

final class Decoder {
    private final byte[] buf;
    private final int end;
    private int pos;

    Decoder(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    int u8() throws MalformedPacketException {
        need(1, "byte");
        return buf[pos++] & 0xff;
    }

    int u32() throws MalformedPacketException {
        need(4, "uint32");
        int v = (buf[pos] & 0xff) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8
                | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    long u64() throws MalformedPacketException {
        long hi = u32() & 0xffffffffL;
        return hi << 32 | (u32() & 0xffffffffL);
    }

    byte[] string() throws MalformedPacketException {
        int start = stringStart();
        return Arrays.copyOfRange(buf, start, pos);
    }

    /**
     * A string that becomes a C string (a path, a user or request name), as OpenSSH's
     * sshbuf_get_cstring: one NUL at its very end is dropped, a NUL anywhere else makes the
     * message malformed. A C function would stop at that NUL and act on another name.
     */
    byte[] cstring() throws MalformedPacketException {
        int start = stringStart();
        int len = pos - start;
        for (int i = start; i < pos; i++) {
            if (buf[i] == 0) {
                if (i != pos - 1) {
                    throw new MalformedPacketException("string with a NUL at byte " + (i - start) + " of " + len);
                }
                len--;
            }
        }
        return Arrays.copyOfRange(buf, start, start + len);
    }

    /** A string's contents as a sub-decoder, without copying (users-groups-by-id lists). */
    Decoder stringDecoder() throws MalformedPacketException {
        int start = stringStart();
        return new Decoder(buf, start, pos - start);
    }

    /** A string's contents in place, without copying (WRITE data). */
    Slice slice() throws MalformedPacketException {
        int start = stringStart();
        return new Slice(buf, start, pos - start);
    }

    /** A decoder over what this one has yet to read, which leaves this one where it is. */
    Decoder copy() {
        return new Decoder(buf, pos, end - pos);
    }

    int remaining() {
        return end - pos;
    }

    record Slice(byte[] array, int offset, int length) {}

    private int stringStart() throws MalformedPacketException {
        long len = u32() & 0xffffffffL;
        if (len > end - pos) {
            throw new MalformedPacketException("string of " + len + " bytes runs past the end of the message");
        }
        int start = pos;
        pos += (int) len;
        return start;
    }

    private void need(int n, String what) throws MalformedPacketException {
        if (end - pos < n) {
            throw new MalformedPacketException("message ends before its " + what);
        }
    }
}
