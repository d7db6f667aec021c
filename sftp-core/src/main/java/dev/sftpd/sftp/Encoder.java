// Builds one SFTP reply, length prefix included, in a growable byte array.
package dev.sftpd.sftp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

final class Encoder {
    private byte[] buf;
    private int len = 4;

    Encoder(int type, int capacity) {
        this.buf = new byte[Math.max(capacity, 16)];
        u8(type);
    }

    Encoder u8(int v) {
        ensure(1);
        buf[len++] = (byte) v;
        return this;
    }

    Encoder u32(int v) {
        ensure(4);
        buf[len] = (byte) (v >>> 24);
        buf[len + 1] = (byte) (v >>> 16);
        buf[len + 2] = (byte) (v >>> 8);
        buf[len + 3] = (byte) v;
        len += 4;
        return this;
    }

    Encoder u64(long v) {
        return u32((int) (v >>> 32)).u32((int) v);
    }

    Encoder string(byte[] s) {
        return string(s, 0, s.length);
    }

    Encoder string(byte[] s, int off, int n) {
        u32(n);
        ensure(n);
        System.arraycopy(s, off, buf, len, n);
        len += n;
        return this;
    }

    Encoder string(String s) {
        return string(s.getBytes(StandardCharsets.UTF_8));
    }

    private void putU32At(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    byte[] array() {
        return buf;
    }

    int length() {
        return len;
    }

    /** Fills in the length prefix; the frame is array()[0, length()). */
    Encoder finish() {
        putU32At(0, len - 4);
        return this;
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
