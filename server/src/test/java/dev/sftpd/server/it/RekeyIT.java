// Rekeying during a large transfer: every key exchange, the first and each rekey, is signed by the monitor.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.Sftpd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RekeyIT {
    private static final int MIB = 1 << 20;
    private static final Pattern SIGNED = Pattern.compile(
            "monitor: signed the exchange hash of key exchange (\\d+) for worker (\\d+) ");

    /** DEBUG1 for the monitor's line per signed key exchange. */
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("RekeyLimit 16M", "LogLevel DEBUG1");

    @Test
    void aGibibyteDownloadRekeysEvery16MiBWithEachKeyExchangeSignedByTheMonitor() throws IOException {
        // 1 GiB / 16 MiB = 64 rekeys; the limit counts from each exchange's end, so allow some slack.
        assertDownloadRekeys("alice", List.of(), 1024, 50);
    }

    /**
     * The client rekeys every MiB it receives, the server every 16 MiB it sends: some of the
     * server's KEXINITs cross the client's on the wire, so both sides start the same exchange and
     * the client's KEX_ECDH_INIT may arrive while the server still negotiates in its sending
     * thread. Each such exchange must complete and be signed once, as any other.
     */
    @Test
    void rekeysBothSidesStartAtOnceCompleteAndAreSignedOnce() throws IOException {
        assertDownloadRekeys("bob", List.of("-c", "chacha20-poly1305@openssh.com", "-o", "RekeyLimit=1M"), 256, 128);
    }

    /**
     * A download of a random file of {@code mib} MiB arrives intact, after at least {@code minimum}
     * key exchanges of one worker, each signed once and in order.
     */
    private static void assertDownloadRekeys(String user, List<String> options, int mib, int minimum)
            throws IOException {
        Path source = randomFile(sftpd.dir().resolve(user + ".source"), mib);
        Path copy = sftpd.dir().resolve(user + ".copy");
        List<MatchResult> before = sftpd.daemon().logMatches(SIGNED);
        try {
            sftpd.clients().sftp(sftpd.user(user), options, "get " + source + " " + copy).assertExit(0);

            assertEquals(-1L, Files.mismatch(source, copy), "the copy differs from the original");
            List<MatchResult> all = sftpd.daemon().logMatches(SIGNED);
            List<MatchResult> signed = all.subList(before.size(), all.size());
            assertEquals(1, signed.stream().map(m -> m.group(2)).distinct().count(), "one worker: " + signed.size());
            List<Integer> exchanges = signed.stream().map(m -> Integer.valueOf(m.group(1))).toList();
            assertEquals(IntStream.rangeClosed(1, exchanges.size()).boxed().collect(Collectors.toList()), exchanges,
                    "each key exchange signed once, in order");
            assertTrue(exchanges.size() >= minimum, exchanges.size() + " key exchanges");
        } finally {
            Files.deleteIfExists(source);
            Files.deleteIfExists(copy);
        }
    }

    /** A file of {@code mib} MiB that no block of repeats: each MiB from its own seed. */
    private static Path randomFile(Path path, int mib) throws IOException {
        byte[] block = new byte[MIB];
        try (FileChannel out = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int i = 0; i < mib; i++) {
                new SplittableRandom(i).nextBytes(block);
                out.write(ByteBuffer.wrap(block));
            }
        }
        return path;
    }
}
