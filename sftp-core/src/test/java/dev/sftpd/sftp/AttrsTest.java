// The SFTP v3 attribute codec: present fields follow the flags, extended pairs are skipped.
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sftpd.sftp.posix.Stat;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AttrsTest {
    private static byte[] body(Encoder e) {
        return Arrays.copyOfRange(e.array(), 5, e.length());
    }

    private static Attrs roundTrip(Attrs a) throws MalformedPacketException {
        Encoder e = new Encoder(0, 64);
        a.encode(e);
        byte[] b = body(e);
        return Attrs.decode(new Decoder(b, 0, b.length));
    }

    @Test
    void everyFieldRoundTrips() throws Exception {
        Attrs a = new Attrs(0xf, 1L << 40, 1000, 100, 0100644, 1_700_000_000, -1);
        assertEquals(a, roundTrip(a));
    }

    @Test
    void absentFieldsTakeNoBytes() {
        Encoder e = new Encoder(0, 64);
        new Attrs(Sftp.ATTR_PERMISSIONS, 99, 5, 6, 0755, 7, 8).encode(e);
        assertArrayEquals(new byte[] {0, 0, 0, 4, 0, 0, 1, (byte) 0xed}, body(e));
    }

    @Test
    void extendedPairsAreReadAndDropped() throws Exception {
        Encoder e = new Encoder(0, 64).u32(Sftp.ATTR_SIZE | Sftp.ATTR_EXTENDED).u64(12).u32(1)
                .string("name@example.com").string("value").u32(0xdead);
        byte[] b = body(e);
        Decoder d = new Decoder(b, 0, b.length);
        Attrs a = Attrs.decode(d);
        assertEquals(12, a.size());
        assertEquals(Sftp.ATTR_SIZE | Sftp.ATTR_EXTENDED, a.flags());
        assertEquals(0xdead, d.u32());
    }

    @Test
    void extendedFlagIsNeverSentBack() {
        Encoder e = new Encoder(0, 64);
        new Attrs(Sftp.ATTR_EXTENDED | Sftp.ATTR_SIZE, 1, 0, 0, 0, 0, 0).encode(e);
        assertArrayEquals(new byte[] {0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, body(e));
    }

    @Test
    void truncatedAttributesAreMalformed() {
        byte[] b = {0, 0, 0, 1, 0, 0, 0};
        assertThrows(MalformedPacketException.class, () -> Attrs.decode(new Decoder(b, 0, b.length)));
    }

    @Test
    void statGivesSizeIdsPermissionsAndTimes() {
        Stat st = new Stat(1, 2, 0100640, 1, 1000, 1001, 4096, 1_600_000_000L, 1_600_000_001L);
        assertEquals(new Attrs(0xf, 4096, 1000, 1001, 0100640, 1_600_000_000, 1_600_000_001), Attrs.of(st));
    }
}
