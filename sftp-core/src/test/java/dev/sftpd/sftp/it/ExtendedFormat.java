package dev.sftpd.sftp.it;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** How the body of an EXTENDED_REPLY is shown; each extension that has one says which fields compare. */
interface ExtendedFormat {
    String render(Wire.In body);

    ExtendedFormat RAW = body -> {
        StringBuilder hex = new StringBuilder();
        while (body.remaining() > 0) {
            hex.append(String.format("%02x", body.u8()));
        }
        return "raw " + hex;
    };

    /** limits@openssh.com: packet, read, write lengths and open handles, all exact. */
    ExtendedFormat LIMITS = body -> fields(body, "max-packet", "max-read", "max-write", "max-handles");

    /**
     * statvfs@openssh.com: free counts move with any other writer on the file system, so only the fields
     * that describe the file system itself are compared.
     */
    ExtendedFormat STATVFS = body -> {
        long[] v = new long[11];
        for (int i = 0; i < v.length; i++) {
            v[i] = body.u64();
        }
        String rest = body.remaining() > 0 ? " +" + body.remaining() + " trailing bytes" : "";
        return String.format("bsize=%d frsize=%d blocks=%d files=%d fsid=%s flag=0x%x namemax=%d%s",
                v[0], v[1], v[2], v[5], Long.toHexString(v[8]), v[9], v[10], rest);
    };

    /** users-groups-by-id@openssh.com: two strings, each a concatenation of name strings. */
    ExtendedFormat NAMES = body -> "users=" + names(body.string()) + " groups=" + names(body.string())
            + (body.remaining() > 0 ? " +" + body.remaining() + " trailing bytes" : "");

    private static String fields(Wire.In body, String... names) {
        StringBuilder s = new StringBuilder();
        for (String n : names) {
            s.append(n).append('=').append(body.u64()).append(' ');
        }
        if (body.remaining() > 0) {
            s.append('+').append(body.remaining()).append(" trailing bytes");
        }
        return s.toString().trim();
    }

    private static List<String> names(byte[] packed) {
        Wire.In in = new Wire.In(packed);
        List<String> out = new ArrayList<>();
        try {
            while (in.remaining() > 0) {
                out.add('"' + in.text() + '"');
            }
        } catch (Wire.Malformed e) {
            out.add("MALFORMED " + HexFormat.of().formatHex(packed));
        }
        return out;
    }
}
