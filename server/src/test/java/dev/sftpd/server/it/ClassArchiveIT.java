// The class-data archives every transport and engine maps: root's alone, really mapped, the transport's without Bouncy Castle's provider.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemAccounts;
import dev.sftpd.testkit.SystemUser;
import dev.sftpd.testkit.UserSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClassArchiveIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig("TransportPoolSize 1", "EnginePoolSize 1");
    private static final Path DIR = Path.of("/var/cache/sftpd");
    /** Making both archives takes a quiet machine about 12 s; a loaded one, a few times that. */
    private static final Duration ARCHIVES_MADE = Duration.ofMinutes(3);

    @Test
    void aSessionsTransportAndEngineMapTheirKindsArchiveWhichOnlyRootCanWrite() throws IOException {
        SystemUser dave = sftpd.accounts().user("dave", SystemAccounts.NOLOGIN);
        // Processes pooled before the archives existed start without them; the ones after map them.
        long deadline = System.nanoTime() + ARCHIVES_MADE.toNanos();
        while (true) {
            try (UserSession session = sftpd.daemon().openSession(dave)) {
                Optional<Path> transport = archiveOf(session.transport());
                Optional<Path> engine = archiveOf(session.engine());
                if (transport.isPresent() && engine.isPresent()) {
                    assertArchive(transport.get(), "transport-", session.transport());
                    assertArchive(engine.get(), "engine-", session.engine());
                    assertTrainedWithoutBouncyCastlesProvider(transport.get());
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                fail("no session's processes mapped class-data archives within " + ARCHIVES_MADE.toSeconds()
                        + " s; the daemon's log:\n" + sftpd.daemon().logText());
            }
            sleep();
        }
    }

    private static void assertArchive(Path archive, String kind, long pid) throws IOException {
        assertEquals(DIR, archive.getParent(), "archives live in " + DIR);
        assertTrue(archive.getFileName().toString().startsWith(kind), archive + " is a " + kind + " archive");
        assertRootsAlone(DIR, "rwxr-xr-x");
        assertRootsAlone(archive, "rw-r--r--");
        // A transport's file shows under the jail's mount point (/run/sftpd/empty/var/cache/...).
        List<String> maps = Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps"));
        assertTrue(maps.stream().anyMatch(line -> line.endsWith(archive.toString())),
                "process " + pid + " maps " + archive + ": " + maps.stream().filter(l -> l.contains(".jsa")).toList());
    }

    /**
     * The transport's archive holds the classes its training run loaded: MINA's server, and not Bouncy
     * Castle's provider, which a transport never constructs (JdkEd25519Registrar); before that class,
     * constructing it put some 2,200 Bouncy Castle classes into every transport's archive. An archive
     * stores class names as symbols, so a name missing from the file is a class the training never met.
     */
    private static void assertTrainedWithoutBouncyCastlesProvider(Path archive) throws IOException {
        String symbols = new String(Files.readAllBytes(archive), StandardCharsets.ISO_8859_1);
        assertTrue(symbols.contains("org/apache/sshd/server/SshServer"), archive + " holds MINA's SshServer");
        assertFalse(symbols.contains("org/bouncycastle/jce/provider/BouncyCastleProvider"),
                archive + " holds Bouncy Castle's provider");
    }

    private static void assertRootsAlone(Path p, String mode) throws IOException {
        assertEquals(0, Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS), p + " owner");
        assertEquals(0, Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS), p + " group");
        assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)),
                p + " mode");
    }

    /** The archive a JVM was started with, from its command line. */
    private static Optional<Path> archiveOf(long pid) throws IOException {
        String[] argv = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).split("\0");
        return Arrays.stream(argv).filter(a -> a.startsWith("-XX:SharedArchiveFile="))
                .map(a -> Path.of(a.substring(a.indexOf('=') + 1))).findFirst();
    }

    private static void sleep() {
        try {
            Thread.sleep(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
