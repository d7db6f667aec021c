// A client whose connection drops mid-transfer (kill -9 of its ssh) leaves the same trace in the log as one that closes its channel.
package dev.sftpd.server.it;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.OpenSftp;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClientVanishesIT {
    /** Big enough that at the bandwidth limit below a transfer takes a minute. */
    private static final long SIZE = 64L * 1024 * 1024;
    /** sftp -l, in Kbit/s: about 1 MB/s, so the client is killed mid-transfer. */
    private static final List<String> SLOW = List.of("-l", "8192");

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    @Test
    void anUploadCutShortLogsTheForcedCloseAndTheSessionsEnd() throws IOException {
        SystemUser alice = sftpd.user("alice");
        Path local = bigFile(sftpd.dir().resolve("to-upload"));
        Path remote = alice.home().resolve("uploaded-big");

        try (OpenSftp client = sftpd.clients().openSftp(alice, SLOW)) {
            client.send("put " + local + " " + remote);
            sftpd.daemon().await(() -> size(remote) > 0, () -> "the upload did not start");
            client.killSsh();

            assertTrace(alice, remote, "bytes read 0 written [1-9]\\d*");
        }
    }

    @Test
    void aDownloadCutShortLogsTheForcedCloseAndTheSessionsEnd() throws IOException {
        SystemUser bob = sftpd.user("bob");
        Path remote = bigFile(bob.home().resolve("to-download-big"));
        bob.own(remote, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path local = sftpd.dir().resolve("downloaded-big");

        try (OpenSftp client = sftpd.clients().openSftp(bob, SLOW)) {
            client.send("get " + remote + " " + local);
            sftpd.daemon().await(() -> size(local) > 0, () -> "the download did not start");
            client.killSsh();

            assertTrace(bob, remote, "bytes read [1-9]\\d* written 0");
        }
    }

    /** sftp-server's forced close with its byte counts and session end, then sshd's lines for the session and connection. */
    private static void assertTrace(SystemUser user, Path file, String counts) {
        DaemonProcess daemon = sftpd.daemon();
        daemon.awaitLog(Pattern.compile("forced close \"" + Pattern.quote(file.toString()) + "\" " + counts));
        daemon.awaitLog("session closed for local user " + user + " from [127.0.0.1]");
        daemon.awaitLog(Pattern.compile("Close session: user " + user + " from 127\\.0\\.0\\.1 port \\d+ id 0"));
        daemon.awaitLog(Pattern.compile("Disconnected from user " + user + " 127\\.0\\.0\\.1 port \\d+"));
    }

    private static Path bigFile(Path path) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
            f.setLength(SIZE);
        }
        return path;
    }

    private static long size(Path path) {
        try {
            return Files.exists(path) ? Files.size(path) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
