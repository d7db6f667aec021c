// The PROXY protocol header (HAProxy's spec, versions 1 and 2) a trusted load balancer sends before the client's bytes.
package dev.sftpd.server;

import dev.sftpd.monitor.auth.HostPatterns;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.sftp.posix.SysCallException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Read by the monitor before any worker sees the connection, taking from the socket exactly the
 * header's bytes and nothing after them: what follows is the client's SSH stream, which the
 * transport reads. The limits are hard: a version 1 line is at most 107 bytes (the spec's
 * maximum), a version 2 header at most {@link #MAX_V2} bytes; anything else, a truncated header
 * included, is {@link Refused}, the only exception a header can cause.
 *
 * @param endpoints the client and the address it connected to, as the balancer saw them; empty
 *     for LOCAL (version 2: the balancer's own connection, a health check) and UNKNOWN (version 1)
 *     or an address family without IP addresses, which the spec says to serve as the connection
 *     itself, from the balancer
 */
record ProxyHeader(Optional<Endpoints> endpoints) {
    /** "PROXY UNKNOWN" and "TCP4"/"TCP6" lines, with CRLF: the spec's worst case is 107 bytes. */
    static final int MAX_V1 = 107;
    /** The fixed part, then at most 1 KiB of addresses and TLVs (the spec's own minimum buffer is 536 bytes). */
    static final int MAX_V2 = 16 + 1024;
    private static final byte[] V2_SIGNATURE = {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'};
    private static final byte[] V1_START = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    /** Enough to tell the versions apart: both start this long. */
    private static final int PREFIX = V1_START.length;
    private static final int V2_FIXED = 16;
    /** Version 2's address blocks: IPv4 and IPv6 (addresses, then ports), and AF_UNIX (two 108-byte paths). */
    private static final int INET_BLOCK = 12;
    private static final int INET6_BLOCK = 36;
    private static final int UNIX_BLOCK = 216;
    private static final int TLV_HEAD = 3;

    /** Where the client came from and what it connected to, as the balancer saw it. */
    record Endpoints(InetSocketAddress source, InetSocketAddress destination) {}

    /** A header that is absent, malformed, too long, or did not arrive: the connection ends. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    /** Where the header's bytes come from. */
    @FunctionalInterface
    interface Input {
        /** Reads at least 1 and at most {@code len} bytes; an end, a timeout or an error is Refused. */
        int read(byte[] buf, int off, int len) throws Refused;
    }

    private static final ProxyHeader NO_ADDRESSES = new ProxyHeader(Optional.empty());

    /** The header at the start of {@code in}, consuming exactly its bytes. */
    static ProxyHeader read(Input in) throws Refused {
        byte[] head = new byte[V2_FIXED];
        readFully(in, head, 0, PREFIX);
        if (Arrays.equals(head, 0, PREFIX, V1_START, 0, PREFIX)) {
            return version1(in, head);
        }
        if (Arrays.equals(head, 0, PREFIX, V2_SIGNATURE, 0, PREFIX)) {
            readFully(in, head, PREFIX, V2_FIXED - PREFIX);
            return version2(in, head);
        }
        throw new Refused("no PROXY protocol header");
    }

    /**
     * The header at the start of a client socket, read within {@code deadline} (System.nanoTime()),
     * one read(2) at a time: the socket is blocking, and poll(2) bounds each wait.
     */
    static ProxyHeader read(Fd client, long deadline) throws Refused {
        return read((buf, off, len) -> {
            try {
                while (true) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new Refused("timeout waiting for the PROXY protocol header");
                    }
                    // Rounded up, so that a wait never ends just short of the deadline and spins.
                    if (Sockets.awaitReadable(client, (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000))) {
                        int n = Sockets.read(client.fd(), buf, off, len);
                        if (n == 0) {
                            throw new Refused("connection closed in the PROXY protocol header");
                        }
                        return n;
                    }
                }
            } catch (SysCallException e) {
                throw new Refused(e.getMessage());
            }
        });
    }

    private static void readFully(Input in, byte[] buf, int off, int len) throws Refused {
        for (int done = 0; done < len; ) {
            done += in.read(buf, off + done, len - done);
        }
    }

    /**
     * "PROXY TCP4|TCP6 SRC DST SPORT DPORT\r\n" or "PROXY UNKNOWN...\r\n", read a byte at a time up
     * to the line feed, since the client's bytes may follow in the same segment.
     */
    private static ProxyHeader version1(Input in, byte[] prefix) throws Refused {
        byte[] line = Arrays.copyOf(prefix, MAX_V1);
        int length = PREFIX;
        while (line[length - 1] != '\n') {
            if (length == MAX_V1) {
                throw new Refused("PROXY protocol v1 header longer than " + MAX_V1 + " bytes");
            }
            readFully(in, line, length++, 1);
        }
        if (line[length - 2] != '\r') {
            throw new Refused("PROXY protocol v1 header does not end in CRLF");
        }
        for (int i = PREFIX; i < length - 2; i++) {
            if (line[i] < 0x20 || line[i] > 0x7e) {
                throw new Refused("PROXY protocol v1 header holds a control or non-ASCII byte");
            }
        }
        String text = new String(line, PREFIX, length - 2 - PREFIX, StandardCharsets.US_ASCII);
        if (text.equals("UNKNOWN") || text.startsWith("UNKNOWN ")) {
            // The spec: whatever follows UNKNOWN is to be ignored, and the connection served as itself.
            return NO_ADDRESSES;
        }
        List<String> fields = List.of(text.split(" ", -1));
        if (fields.size() != 5 || !(fields.get(0).equals("TCP4") || fields.get(0).equals("TCP6"))) {
            throw new Refused("PROXY protocol v1 header is not \"TCP4|TCP6 SRC DST SPORT DPORT\" or \"UNKNOWN\"");
        }
        boolean v6 = fields.get(0).equals("TCP6");
        InetAddress source = v1Address(fields.get(1), v6);
        InetAddress destination = v1Address(fields.get(2), v6);
        return new ProxyHeader(Optional.of(new Endpoints(new InetSocketAddress(source, v1Port(fields.get(3))),
                new InetSocketAddress(destination, v1Port(fields.get(4))))));
    }

    /** A numeric address of the line's family: TCP4 dotted quad, TCP6 IPv6 text; never a name. */
    private static InetAddress v1Address(String text, boolean v6) throws Refused {
        Optional<InetAddress> address = text.indexOf(':') >= 0 == v6 ? HostPatterns.numericAddress(text)
                : Optional.empty();
        if (address.isEmpty()) {
            throw new Refused("PROXY protocol v1 header has a bad " + (v6 ? "TCP6" : "TCP4") + " address");
        }
        return address.get();
    }

    /** A decimal port, 0 to 65535, without sign or leading zeros. */
    private static int v1Port(String text) throws Refused {
        if (text.isEmpty() || text.length() > 5 || (text.length() > 1 && text.charAt(0) == '0')
                || !text.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(text) > 65535) {
            throw new Refused("PROXY protocol v1 header has a bad port");
        }
        return Integer.parseInt(text);
    }

    /**
     * The 16-byte fixed part (signature, version and command, family and protocol, length), then
     * the length's bytes: the addresses of the family, then TLVs, whose framing must fill the rest
     * exactly and whose contents are skipped.
     */
    private static ProxyHeader version2(Input in, byte[] fixed) throws Refused {
        if (!Arrays.equals(fixed, 0, V2_SIGNATURE.length, V2_SIGNATURE, 0, V2_SIGNATURE.length)) {
            throw new Refused("no PROXY protocol header (a bad v2 signature)");
        }
        int version = (fixed[12] & 0xf0) >> 4;
        int command = fixed[12] & 0x0f;
        int familyAndProtocol = fixed[13] & 0xff;
        int length = (fixed[14] & 0xff) << 8 | fixed[15] & 0xff;
        if (version != 2) {
            throw new Refused("PROXY protocol header of version " + version + " after the v2 signature");
        }
        if (V2_FIXED + length > MAX_V2) {
            throw new Refused("PROXY protocol v2 header of " + (V2_FIXED + length) + " bytes, more than " + MAX_V2);
        }
        byte[] block = new byte[length];
        readFully(in, block, 0, length);
        return switch (command) {
            // LOCAL: the balancer's own connection; the spec has the family and addresses ignored.
            case 0 -> NO_ADDRESSES;
            case 1 -> proxied(familyAndProtocol, block);
            default -> throw new Refused("PROXY protocol v2 header with unknown command " + command);
        };
    }

    private static ProxyHeader proxied(int familyAndProtocol, byte[] block) throws Refused {
        return switch (familyAndProtocol) {
            case 0x00 -> NO_ADDRESSES;
            case 0x11 -> inet(block, 4, INET_BLOCK);
            case 0x21 -> inet(block, 16, INET6_BLOCK);
            case 0x31 -> {
                tlvs(block, addresses(block, UNIX_BLOCK));
                yield NO_ADDRESSES;
            }
            case 0x12, 0x22, 0x32 -> throw new Refused("PROXY protocol v2 header for a datagram connection");
            default -> throw new Refused(String.format("PROXY protocol v2 header with unknown family/protocol 0x%02x",
                    familyAndProtocol));
        };
    }

    private static ProxyHeader inet(byte[] block, int size, int blockSize) throws Refused {
        tlvs(block, addresses(block, blockSize));
        InetAddress source = address(Arrays.copyOfRange(block, 0, size));
        InetAddress destination = address(Arrays.copyOfRange(block, size, 2 * size));
        int sourcePort = (block[2 * size] & 0xff) << 8 | block[2 * size + 1] & 0xff;
        int destinationPort = (block[2 * size + 2] & 0xff) << 8 | block[2 * size + 3] & 0xff;
        return new ProxyHeader(Optional.of(new Endpoints(new InetSocketAddress(source, sourcePort),
                new InetSocketAddress(destination, destinationPort))));
    }

    /** Where the TLVs start: after the family's addresses, which the length must cover. */
    private static int addresses(byte[] block, int size) throws Refused {
        if (block.length < size) {
            throw new Refused("PROXY protocol v2 header too short for its addresses");
        }
        return size;
    }

    /** Each TLV is a type byte and a big-endian length; none may run past the header. */
    private static void tlvs(byte[] block, int from) throws Refused {
        for (int at = from; at < block.length; ) {
            if (block.length - at < TLV_HEAD) {
                throw new Refused("PROXY protocol v2 header ends inside a TLV");
            }
            int length = (block[at + 1] & 0xff) << 8 | block[at + 2] & 0xff;
            at += TLV_HEAD;
            if (length > block.length - at) {
                throw new Refused("PROXY protocol v2 TLV runs past the header");
            }
            at += length;
        }
    }

    /**
     * 4 or 16 bytes as an address; an IPv4-mapped IPv6 address is its IPv4 client, as the JDK
     * and sshd's per-source blocks see it.
     */
    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes always make an address", e);
        }
    }
}
