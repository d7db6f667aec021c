// The decoder's C strings: a NUL inside a name makes the message malformed, one at its end is dropped, as sshbuf_get_cstring.
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DecoderTest {
    @Test
    void aNulInsideACStringIsMalformed() {
        Decoder in = decoder("keep.txt\0.bak");

        assertThrows(MalformedPacketException.class, in::cstring);
    }

    @Test
    void aNulAtTheStartOfACStringIsMalformed() {
        assertThrows(MalformedPacketException.class, decoder("\0x")::cstring);
    }

    @Test
    void oneNulAtTheEndOfACStringIsDropped() throws MalformedPacketException {
        assertArrayEquals(bytes("name"), decoder("name\0").cstring());
    }

    @Test
    void twoNulsAtTheEndOfACStringAreMalformed() {
        assertThrows(MalformedPacketException.class, decoder("name\0\0")::cstring);
    }

    @Test
    void aBinaryStringKeepsItsNuls() throws MalformedPacketException {
        assertArrayEquals(bytes("h\0\1"), decoder("h\0\1").string());
    }

    /** One SSH string holding {@code content}. */
    private static Decoder decoder(String content) {
        byte[] body = bytes(content);
        byte[] wire = new byte[4 + body.length];
        wire[3] = (byte) body.length;
        System.arraycopy(body, 0, wire, 4, body.length);
        return new Decoder(wire, 0, wire.length);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
