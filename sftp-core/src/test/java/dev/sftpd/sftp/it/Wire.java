package dev.sftpd.sftp.it;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** SSH wire encoding for the test client: a payload builder, a bounds-checked reader and a byte escaper. */
final class Wire {
    private Wire() {}

    /**
     * Paths in scripts are Java strings whose chars are the raw bytes of the path (ISO-8859-1), so a test
     * can name a file with a lone 0xE9 byte; {@link #utf8} turns readable text into that form.
     */
    static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String utf8(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** Printable ASCII as is, everything else as \xNN, so two byte strings compare visibly. */
    static String escape(byte[] b) {
        StringBuilder s = new StringBuilder(b.length);
        for (byte x : b) {
            int c = x & 0xff;
            if (c == '\\') {
                s.append("\\\\");
            } else if (c >= 0x20 && c < 0x7f) {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.toString();
    }

    static final class Out {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Out u8(int v) {
            buf.write(v);
            return this;
        }

        Out u32(long v) {
            return u8((int) (v >>> 24)).u8((int) (v >>> 16)).u8((int) (v >>> 8)).u8((int) v);
        }

        Out u64(long v) {
            return u32(v >>> 32).u32(v);
        }

        Out raw(byte[] b) {
            buf.writeBytes(b);
            return this;
        }

        Out string(byte[] b) {
            return u32(b.length).raw(b);
        }

        /** A path or name: see {@link Wire#bytes}. */
        Out string(String latin1) {
            return string(Wire.bytes(latin1));
        }

        Out attrs(Attrs a) {
            a.encode(this);
            return this;
        }

        byte[] bytes() {
            return buf.toByteArray();
        }
    }

    /** Reads SSH wire fields; a short buffer throws {@link Malformed}. */
    static final class In {
        private final ByteBuffer b;

        In(byte[] bytes) {
            b = ByteBuffer.wrap(bytes);
        }

        int u8() {
            try {
                return b.get() & 0xff;
            } catch (BufferUnderflowException e) {
                throw new Malformed("truncated byte");
            }
        }

        long u32() {
            try {
                return b.getInt() & 0xffffffffL;
            } catch (BufferUnderflowException e) {
                throw new Malformed("truncated uint32");
            }
        }

        long u64() {
            try {
                return b.getLong();
            } catch (BufferUnderflowException e) {
                throw new Malformed("truncated uint64");
            }
        }

        byte[] string() {
            long n = u32();
            if (n > b.remaining()) {
                throw new Malformed("string of " + n + " bytes with " + b.remaining() + " left");
            }
            byte[] s = new byte[(int) n];
            b.get(s);
            return s;
        }

        String text() {
            return escape(string());
        }

        int remaining() {
            return b.remaining();
        }
    }

    static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message);
        }
    }
}
