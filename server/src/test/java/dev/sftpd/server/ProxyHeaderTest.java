// ProxyHeader: HAProxy's PROXY protocol v1 and v2 as a balancer sends them, the refusals, and a fuzzed corpus.
package dev.sftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.server.ProxyHeader.Endpoints;
import dev.sftpd.server.ProxyHeader.Refused;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyHeaderTest {
    /** What a client sends first: it must stay in the socket for the transport. */
    private static final byte[] CLIENT = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u7\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIGNATURE = {'\r', '\n', '\r', '\n', 0, '\r', '\n', 'Q', 'U', 'I', 'T', '\n'};
    private static final int LOCAL = 0x20;
    private static final int PROXY = 0x21;
    private static final int TCP4 = 0x11;
    private static final int TCP6 = 0x21;

    /** What a parse did: the header or the refusal, and how many bytes it took from the input. */
    record Parsed(Optional<ProxyHeader> header, Optional<Refused> refused, int consumed) {
        ProxyHeader orFail() {
            return header.orElseThrow(() -> new AssertionError("refused: " + refused.get().getMessage()));
        }
    }

    /**
     * Parses {@code bytes} as the start of a connection, handing them out in reads of random sizes
     * (a socket returns what has arrived), and checks what must hold for any input: only Refused
     * is thrown, and no read reaches past the header's hard limit or the input's end.
     */
    static Parsed parse(byte[] bytes, SplittableRandom reads) {
        int[] consumed = {0};
        ProxyHeader.Input input = (buf, off, len) -> {
            int limit = bytes.length > 0 && bytes[0] == 'P' ? ProxyHeader.MAX_V1 : ProxyHeader.MAX_V2;
            if (consumed[0] + len > limit) {
                throw new AssertionError("asked for bytes " + consumed[0] + ".." + (consumed[0] + len)
                        + ", past the limit of " + limit);
            }
            if (consumed[0] == bytes.length) {
                throw new Refused("end of input");
            }
            int n = reads.nextInt(1, Math.min(len, bytes.length - consumed[0]) + 1);
            System.arraycopy(bytes, consumed[0], buf, off, n);
            consumed[0] += n;
            return n;
        };
        try {
            return new Parsed(Optional.of(ProxyHeader.read(input)), Optional.empty(), consumed[0]);
        } catch (Refused e) {
            return new Parsed(Optional.empty(), Optional.of(e), consumed[0]);
        }
    }

    private static Parsed parse(byte[] bytes) {
        return parse(bytes, new SplittableRandom(1));
    }

    /** The header followed by the client's first bytes; the parse must take the header and leave the rest. */
    private static ProxyHeader parseBeforeClient(byte[] header) {
        Parsed parsed = parse(concat(header, CLIENT));
        ProxyHeader result = parsed.orFail();
        assertEquals(header.length, parsed.consumed(), "bytes taken: the header's, none of the client's");
        return result;
    }

    // Version 1

    @Test
    void aTcp4LineNamesTheClientAndWhatItConnectedTo() {
        ProxyHeader h = parseBeforeClient(ascii("PROXY TCP4 192.0.2.7 198.51.100.1 40001 22\r\n"));

        assertEquals(Optional.of(new Endpoints(at("192.0.2.7", 40001), at("198.51.100.1", 22))), h.endpoints());
    }

    @Test
    void aTcp6LineNamesAnIpv6Client() {
        ProxyHeader h = parseBeforeClient(ascii("PROXY TCP6 2001:db8::7 2001:db8::1 65535 2222\r\n"));

        assertEquals(Optional.of(new Endpoints(at("2001:db8::7", 65535), at("2001:db8::1", 2222))), h.endpoints());
    }

    @Test
    void unknownIsTheConnectionItselfWhateverFollows() {
        assertEquals(Optional.empty(), parseBeforeClient(ascii("PROXY UNKNOWN\r\n")).endpoints());
        assertEquals(Optional.empty(),
                parseBeforeClient(ascii("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n")).endpoints());
    }

    @Test
    void theLongestLineTheSpecAllowsIsRead() {
        String six = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        byte[] line = ascii("PROXY TCP6 " + six + " " + six + " 65535 65535\r\n");
        assertEquals(ProxyHeader.MAX_V1 - 3, line.length, "the longest address line");
        byte[] unknown = ascii("PROXY UNKNOWN " + "x".repeat(ProxyHeader.MAX_V1 - 16) + "\r\n");
        assertEquals(ProxyHeader.MAX_V1, unknown.length);

        assertTrue(parseBeforeClient(line).endpoints().isPresent());
        assertEquals(Optional.empty(), parseBeforeClient(unknown).endpoints());
    }

    @Test
    void aLineWithoutItsEndWithinTheLimitIsRefusedWithoutReadingFurther() {
        byte[] endless = concat(ascii("PROXY UNKNOWN "), ascii("x".repeat(500)));

        Parsed parsed = parse(endless);

        assertEquals("PROXY protocol v1 header longer than 107 bytes", parsed.refused().orElseThrow().getMessage());
        assertEquals(ProxyHeader.MAX_V1, parsed.consumed());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "PROXY TCP4 localhost 198.51.100.1 40001 22", // a name: never looked up
        "PROXY TCP4 192.0.2.07 198.51.100.1 40001 22", // a leading zero
        "PROXY TCP4 2001:db8::7 198.51.100.1 40001 22", // IPv6 in a TCP4 line
        "PROXY TCP6 192.0.2.7 2001:db8::1 40001 22", // IPv4 in a TCP6 line
        "PROXY TCP4 192.0.2.7 198.51.100.1 65536 22",
        "PROXY TCP4 192.0.2.7 198.51.100.1 040001 22",
        "PROXY TCP4 192.0.2.7 198.51.100.1 -1 22",
        "PROXY TCP4 192.0.2.7  198.51.100.1 40001 22", // two spaces
        "PROXY TCP4 192.0.2.7 198.51.100.1 40001",
        "PROXY TCP4 192.0.2.7 198.51.100.1 40001 22 ",
        "PROXY UDP4 192.0.2.7 198.51.100.1 40001 22",
        "PROXY tcp4 192.0.2.7 198.51.100.1 40001 22",
        "PROXY UNKNOWNX",
        "PROXY TCP4 192.0.2.7\t198.51.100.1 40001 22",
    })
    void malformedLinesAreRefused(String line) {
        assertTrue(parse(concat(ascii(line + "\r\n"), CLIENT)).refused().isPresent(), line);
    }

    @Test
    void aLineMustEndInCrLf() {
        assertEquals("PROXY protocol v1 header does not end in CRLF",
                parse(ascii("PROXY TCP4 192.0.2.7 198.51.100.1 40001 22\n")).refused().orElseThrow().getMessage());
    }

    @Test
    void aConnectionThatStartsWithAnythingElseIsRefused() {
        assertEquals("no PROXY protocol header", parse(CLIENT).refused().orElseThrow().getMessage());
        assertEquals("no PROXY protocol header", parse(ascii("proxy TCP4 ...")).refused().orElseThrow().getMessage());
        assertTrue(parse(new byte[0]).refused().isPresent());
    }

    // Version 2

    @Test
    void aV2Tcp4HeaderNamesTheClient() {
        byte[] header = v2(PROXY, TCP4, inet("192.0.2.7", "198.51.100.1", 40001, 22));

        assertEquals(Optional.of(new Endpoints(at("192.0.2.7", 40001), at("198.51.100.1", 22))),
                parseBeforeClient(header).endpoints());
    }

    @Test
    void aV2Tcp6HeaderNamesAnIpv6Client() {
        byte[] header = v2(PROXY, TCP6, inet("2001:db8::7", "2001:db8::1", 50000, 22));

        assertEquals(Optional.of(new Endpoints(at("2001:db8::7", 50000), at("2001:db8::1", 22))),
                parseBeforeClient(header).endpoints());
    }

    @Test
    void tlvsAfterTheAddressesAreSkipped() {
        byte[] tlvs = concat(tlv(0x05, ascii("unique-id-1234")), tlv(0x04, new byte[0]), tlv(0xea, new byte[300]));
        byte[] header = v2(PROXY, TCP4, concat(inet("192.0.2.7", "198.51.100.1", 40001, 22), tlvs));

        assertEquals(Optional.of(new Endpoints(at("192.0.2.7", 40001), at("198.51.100.1", 22))),
                parseBeforeClient(header).endpoints());
    }

    @Test
    void localIsTheBalancersOwnConnectionWhateverItsAddressBlockSays() {
        assertEquals(Optional.empty(), parseBeforeClient(v2(LOCAL, 0x00, new byte[0])).endpoints());
        assertEquals(Optional.empty(), parseBeforeClient(v2(LOCAL, TCP4, new byte[3])).endpoints());
    }

    @Test
    void unspecifiedAndUnixFamiliesAreTheConnectionItself() {
        assertEquals(Optional.empty(), parseBeforeClient(v2(PROXY, 0x00, new byte[7])).endpoints());
        assertEquals(Optional.empty(), parseBeforeClient(v2(PROXY, 0x31, new byte[216])).endpoints());
    }

    @Test
    void aHeaderLongerThanTheLimitIsRefusedBeforeItsBodyIsRead() {
        byte[] header = v2(PROXY, TCP4, concat(inet("192.0.2.7", "198.51.100.1", 40001, 22),
                tlv(0xea, new byte[ProxyHeader.MAX_V2])));

        Parsed parsed = parse(concat(header, CLIENT));

        assertTrue(parsed.refused().orElseThrow().getMessage().contains("more than " + ProxyHeader.MAX_V2));
        assertEquals(16, parsed.consumed(), "only the fixed part was read");
    }

    @Test
    void theLongestHeaderWithinTheLimitIsRead() {
        byte[] addresses = inet("192.0.2.7", "198.51.100.1", 40001, 22);
        byte[] header = v2(PROXY, TCP4, concat(addresses, tlv(0xea, new byte[ProxyHeader.MAX_V2 - 16 - 12 - 3])));
        assertEquals(ProxyHeader.MAX_V2, header.length);

        assertTrue(parseBeforeClient(header).endpoints().isPresent());
    }

    @Test
    void v2RefusalsSayWhatIsWrong() {
        byte[] addresses = inet("192.0.2.7", "198.51.100.1", 40001, 22);
        assertRefused("PROXY protocol v2 header too short for its addresses",
                v2(PROXY, TCP4, Arrays.copyOf(addresses, 11)));
        assertRefused("PROXY protocol v2 header too short for its addresses", v2(PROXY, TCP6, addresses));
        assertRefused("PROXY protocol v2 TLV runs past the header",
                v2(PROXY, TCP4, concat(addresses, new byte[] {0x05, 0, 10, 'x'})));
        assertRefused("PROXY protocol v2 header ends inside a TLV", v2(PROXY, TCP4, concat(addresses, new byte[] {5, 0})));
        assertRefused("PROXY protocol v2 header for a datagram connection", v2(PROXY, 0x12, addresses));
        assertRefused("PROXY protocol v2 header with unknown family/protocol 0x13", v2(PROXY, 0x13, addresses));
        assertRefused("PROXY protocol v2 header with unknown command 2", v2(0x22, TCP4, addresses));
        assertRefused("PROXY protocol header of version 1 after the v2 signature", v2(0x11, TCP4, addresses));
        byte[] badSignature = v2(PROXY, TCP4, addresses);
        badSignature[11] = 'X';
        assertRefused("no PROXY protocol header (a bad v2 signature)", badSignature);
    }

    @Test
    void aHeaderCutShortIsRefused() {
        byte[] header = v2(PROXY, TCP4, inet("192.0.2.7", "198.51.100.1", 40001, 22));
        for (int length = 0; length < header.length; length++) {
            Parsed parsed = parse(Arrays.copyOf(header, length));
            assertTrue(parsed.refused().isPresent(), "cut at " + length);
            assertEquals(length, parsed.consumed());
        }
    }

    // Fuzzed: random bytes and mutations of real headers

    /** Headers as HAProxy sends them (send-proxy, send-proxy-v2 with and without TLVs), to mutate. */
    private static final List<byte[]> SEEDS = List.of(
            ascii("PROXY TCP4 192.0.2.7 198.51.100.1 40001 22\r\n"),
            ascii("PROXY TCP6 2001:db8::7 2001:db8::1 65535 2222\r\n"),
            ascii("PROXY UNKNOWN\r\n"),
            v2(PROXY, TCP4, inet("192.0.2.7", "198.51.100.1", 40001, 22)),
            v2(PROXY, TCP6, concat(inet("2001:db8::7", "2001:db8::1", 50000, 22), tlv(0x05, ascii("id")))),
            v2(LOCAL, 0x00, new byte[0]));

    @Test
    void randomAndMutatedHeadersOnlyEverAreRefusedOrReadWithinTheLimit() {
        SplittableRandom random = new SplittableRandom(20261205);
        int read = 0;
        for (int i = 0; i < 200_000; i++) {
            byte[] input = i % 10 == 0 ? randomBytes(random) : mutate(SEEDS.get(random.nextInt(SEEDS.size())), random);
            Parsed parsed = parse(concat(input, CLIENT), random.split());
            if (parsed.header().isPresent()) {
                read++;
                assertTrue(parsed.consumed() <= input.length + CLIENT.length);
            }
        }
        assertTrue(read > 1000, "mutations that still parse exercise the accepting paths too: " + read);
    }

    private static byte[] randomBytes(SplittableRandom random) {
        byte[] b = new byte[random.nextInt(0, 2 * ProxyHeader.MAX_V2)];
        random.nextBytes(b);
        // Half of them start like a header, so that random bodies get past the first check.
        if (random.nextBoolean() && b.length >= 16) {
            byte[] start = random.nextBoolean() ? ascii("PROXY ") : SIGNATURE;
            System.arraycopy(start, 0, b, 0, start.length);
        }
        return b;
    }

    /** One to four of: flip a bit, set a byte, drop a byte, insert a byte, cut, or set v2's length. */
    private static byte[] mutate(byte[] seed, SplittableRandom random) {
        byte[] b = seed.clone();
        for (int n = random.nextInt(1, 5); n > 0 && b.length > 0; n--) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(6)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[at] = (byte) random.nextInt(256);
                case 2 -> b = concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + 1, b.length));
                case 3 -> b = concat(concat(Arrays.copyOf(b, at), new byte[] {(byte) random.nextInt(256)}),
                        Arrays.copyOfRange(b, at, b.length));
                case 4 -> b = Arrays.copyOf(b, at);
                default -> {
                    if (b.length >= 16) {
                        b[14] = (byte) random.nextInt(256);
                        b[15] = (byte) random.nextInt(256);
                    }
                }
            }
        }
        return b;
    }

    // Helpers

    private static void assertRefused(String message, byte[] header) {
        assertEquals(message, parse(concat(header, CLIENT)).refused().map(Throwable::getMessage).orElse("read"));
    }

    static byte[] v2(int versionCommand, int familyProtocol, byte[] block) {
        return ByteBuffer.allocate(16 + block.length).put(SIGNATURE).put((byte) versionCommand)
                .put((byte) familyProtocol).putShort((short) block.length).put(block).array();
    }

    static byte[] inet(String source, String destination, int sourcePort, int destinationPort) {
        byte[] s = raw(source);
        byte[] d = raw(destination);
        return ByteBuffer.allocate(2 * s.length + 4).put(s).put(d).putShort((short) sourcePort)
                .putShort((short) destinationPort).array();
    }

    static byte[] tlv(int type, byte[] value) {
        return ByteBuffer.allocate(3 + value.length).put((byte) type).putShort((short) value.length).put(value).array();
    }

    private static byte[] raw(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetSocketAddress at(String literal, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(literal), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Arrays.stream(parts).forEach(out::writeBytes);
        return out.toByteArray();
    }

    // From a socket

    @Test
    void fromASocketTheHeaderIsTakenAndTheClientsBytesAreLeftForTheTransport() throws Exception {
        Fd[] pair = Sockets.socketpair();
        try (Fd balancer = pair[0]; Fd daemon = pair[1]) {
            byte[] header = v2(PROXY, TCP4, inet("192.0.2.7", "198.51.100.1", 40001, 22));
            byte[] sent = concat(header, CLIENT);
            Sockets.writeFully(balancer.fd(), sent, 0, sent.length);

            ProxyHeader h = ProxyHeader.read(daemon, System.nanoTime() + 10_000_000_000L);

            assertEquals(at("192.0.2.7", 40001), h.endpoints().orElseThrow().source());
            byte[] rest = new byte[CLIENT.length];
            int n = Sockets.read(daemon.fd(), rest, 0, rest.length);
            assertEquals(new String(CLIENT, StandardCharsets.US_ASCII), new String(rest, 0, n, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void fromASocketAHeaderThatDoesNotComeInTimeIsRefused() throws Exception {
        Fd[] pair = Sockets.socketpair();
        try (Fd balancer = pair[0]; Fd daemon = pair[1]) {
            byte[] half = ascii("PROXY TCP4 192.0.2.7 ");
            Sockets.writeFully(balancer.fd(), half, 0, half.length);

            Refused refused = assertThrows(Refused.class,
                    () -> ProxyHeader.read(daemon, System.nanoTime() + 200_000_000L));

            assertEquals("timeout waiting for the PROXY protocol header", refused.getMessage());
        }
    }

    @Test
    void fromASocketAConnectionClosedInTheHeaderIsRefused() throws Exception {
        Fd[] pair = Sockets.socketpair();
        try (Fd daemon = pair[1]) {
            byte[] half = ascii("PROXY TCP4 192.0.2.7 ");
            Sockets.writeFully(pair[0].fd(), half, 0, half.length);
            pair[0].close();

            Refused refused = assertThrows(Refused.class,
                    () -> ProxyHeader.read(daemon, System.nanoTime() + 10_000_000_000L));

            assertEquals("connection closed in the PROXY protocol header", refused.getMessage());
        }
    }
}
