// Faults the daemon must survive, each against the stock sftp client and a real user: what the client sees, what is on disk, utmp and wtmp, the log, and the daemon afterwards.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.LoginRecords;
import dev.sftpd.testkit.OpenSftp;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.OpenSshd;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Poll;
import dev.sftpd.testkit.ProcFs;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import dev.sftpd.testkit.UserSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transfers run at about 1 MB/s (sftp -l) so that a fault lands mid-transfer: the 16 MiB file
 * takes 16 s, and each fault strikes once 1 MiB has arrived. The file's bytes are
 * random, so a partial copy can be checked as a prefix of the original. docs/RELIABILITY.md
 * tabulates what these tests establish.
 */
class FaultIT {
    private static final int SIZE = 16 << 20;
    /** How much of a transfer is done when the fault strikes: several of sftp's 255 KiB requests. */
    private static final long UNDER_WAY = 1 << 20;
    /** sftp -l, in Kbit/s: about 1 MB/s. */
    private static final List<String> SLOW = List.of("-l", "8192");
    private static final Pattern FORCED_UPLOAD = Pattern.compile("bytes read 0 written [1-9]\\d*");
    private static final Pattern FORCED_DOWNLOAD = Pattern.compile("bytes read [1-9]\\d* written 0");

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    private static Path source;

    // --- kill -9 of each process kind

    @Test
    void transportKilledMidUploadEndsTheConnectionAndKeepsTheBytesWritten() {
        SystemUser user = sftpd.user("tu");
        Path remote = user.home().resolve("upload");
        try (UserSession s = uploading(sftpd.daemon(), user, remote)) {
            kill9(s.transport());

            assertConnectionClosed(s.client().finish());
            assertPrefix(remote);
            assertSessionEnded(sftpd.daemon(), user, s, remote, FORCED_UPLOAD);
        }
        assertServing(sftpd.daemon(), user);
    }

    @Test
    void transportKilledMidDownloadEndsTheConnectionAndLeavesTheFileAlone() {
        SystemUser user = sftpd.user("td");
        Path remote = remoteCopy(user, "download");
        Path local = sftpd.dir().resolve("td-download");
        try (UserSession s = downloading(sftpd.daemon(), user, remote, local)) {
            kill9(s.transport());

            assertConnectionClosed(s.client().finish());
            assertUnchanged(remote);
            assertPrefix(local);
            assertSessionEnded(sftpd.daemon(), user, s, remote, FORCED_DOWNLOAD);
        }
        assertServing(sftpd.daemon(), user);
    }

    @Test
    void engineKilledMidUploadEndsTheSessionAndKeepsTheBytesWritten() {
        SystemUser user = sftpd.user("eu");
        Path remote = user.home().resolve("upload");
        try (UserSession s = uploading(sftpd.daemon(), user, remote)) {
            kill9(s.engine());

            assertConnectionClosed(s.client().finish());
            assertPrefix(remote);
            assertSessionEnded(sftpd.daemon(), user, s);
        }
        assertServing(sftpd.daemon(), user);
    }

    @Test
    void engineKilledMidDownloadEndsTheSessionAndLeavesTheFileAlone() {
        SystemUser user = sftpd.user("ed");
        Path remote = remoteCopy(user, "download");
        Path local = sftpd.dir().resolve("ed-download");
        try (UserSession s = downloading(sftpd.daemon(), user, remote, local)) {
            kill9(s.engine());

            assertConnectionClosed(s.client().finish());
            assertUnchanged(remote);
            assertPrefix(local);
            assertSessionEnded(sftpd.daemon(), user, s);
        }
        assertServing(sftpd.daemon(), user);
    }

    @Test
    void sessionShellKilledMidUploadEndsItsEngineToo() {
        SystemUser user = sftpd.user("su");
        Path remote = user.home().resolve("upload");
        try (UserSession s = uploading(sftpd.daemon(), user, remote)) {
            kill9(s.session());

            assertConnectionClosed(s.client().finish());
            assertPrefix(remote);
            assertSessionEnded(sftpd.daemon(), user, s);
        }
        assertServing(sftpd.daemon(), user);
    }

    @Test
    void monitorKilledMidTransferEndsItsSessionsAndARestartEndsTheirLoginRecords() {
        SystemUser uploader = sftpd.user("mu");
        SystemUser downloader = sftpd.user("md");
        Path upload = uploader.home().resolve("upload");
        Path download = remoteCopy(downloader, "download");
        Path local = sftpd.dir().resolve("md-download");
        DaemonProcess daemon = sftpd.startDaemon();
        try (UserSession up = uploading(daemon, uploader, upload);
             UserSession down = downloading(daemon, downloader, download, local)) {
            List<Long> children = daemon.children();
            kill9(daemon.pid());

            assertConnectionClosed(up.client().finish());
            assertConnectionClosed(down.client().finish());
            assertPrefix(upload);
            assertUnchanged(download);
            assertPrefix(local);
            for (long child : children) {
                Poll.until(() -> !ProcFs.exists(child), () -> "process " + child + " outlived its monitor");
            }
            // No one was left to record the logouts: until the daemon starts again, utmp lists them.
            LoginRecords.assertListed(up.session());
            LoginRecords.assertListed(down.session());

            DaemonProcess restarted = sftpd.startDaemon();
            for (UserSession s : List.of(up, down)) {
                restarted.awaitLog("Ended login record sftp" + s.session() + " of "
                        + (s == up ? uploader : downloader) + " from 127.0.0.1: its process is gone");
            }
            LoginRecords.assertNotListed(up.session());
            LoginRecords.assertNotListed(down.session());
            LoginRecords.awaitLogout(uploader, up.session());
            LoginRecords.awaitLogout(downloader, down.session());
            assertServing(restarted, uploader);
        }
    }

    // --- a full disk

    @Test
    void aFullDiskFailsTheUploadAndKeepsWhatFit() {
        SystemUser user = sftpd.user("fd");
        Path small = user.home().resolve("small");
        try (SmallDisk disk = SmallDisk.mount(small, user)) {
            Outcome put = sftpd.clients().sftp(user, "put " + source() + " " + small.resolve("big"));

            put.assertExit(1).assertStderr("write remote \"" + small.resolve("big") + "\": Failure");
            assertPrefix(small.resolve("big"));
            sftpd.daemon().awaitLog(Pattern.compile("write \"" + Pattern.quote(small.resolve("big").toString())
                    + "\": No space left on device"));
            sftpd.daemon().awaitLog("session closed for local user " + user + " from [127.0.0.1]");
        }
        assertServing(sftpd.daemon(), user);
    }

    // --- a client that vanishes

    @Test
    void sftpKilledMidUploadEndsTheSessionWithItsForcedClose() {
        SystemUser user = sftpd.user("cu");
        Path remote = user.home().resolve("upload");
        try (UserSession s = uploading(sftpd.daemon(), user, remote)) {
            s.client().killSftp();

            assertPrefix(remote);
            assertSessionEnded(sftpd.daemon(), user, s, remote, FORCED_UPLOAD);
        }
        assertServing(sftpd.daemon(), user);
    }

    @Test
    void sshKilledMidUploadEndsTheSessionWithItsForcedClose() {
        SystemUser user = sftpd.user("cs");
        Path remote = user.home().resolve("upload");
        try (UserSession s = uploading(sftpd.daemon(), user, remote)) {
            s.client().killSsh();

            assertPrefix(remote);
            assertSessionEnded(sftpd.daemon(), user, s, remote, FORCED_UPLOAD);
        }
        assertServing(sftpd.daemon(), user);
    }

    @Test
    void sshKilledMidDownloadEndsTheSessionWithItsForcedClose() {
        SystemUser user = sftpd.user("cd");
        Path remote = remoteCopy(user, "download");
        try (UserSession s = downloading(sftpd.daemon(), user, remote, sftpd.dir().resolve("cd-download"))) {
            s.client().killSsh();

            assertUnchanged(remote);
            assertSessionEnded(sftpd.daemon(), user, s, remote, FORCED_DOWNLOAD);
        }
        assertServing(sftpd.daemon(), user);
    }

    @Test
    void aConnectionResetMidUploadEndsTheSessionWithItsForcedClose() {
        SystemUser user = sftpd.user("cr");
        Path remote = user.home().resolve("upload");
        try (UserSession s = uploading(sftpd.daemon(), user, remote)) {
            // ss -K destroys the client's socket: the server gets a reset, the client an abort.
            Run.checked("ss", "-K", "-t", "src", "127.0.0.1", "sport", "=", Integer.toString(s.clientPort()),
                    "dst", "127.0.0.1", "dport", "=", Integer.toString(sftpd.daemon().port()));

            assertConnectionClosed(s.client().finish());
            assertPrefix(remote);
            assertSessionEnded(sftpd.daemon(), user, s, remote, FORCED_UPLOAD);
        }
        assertServing(sftpd.daemon(), user);
    }

    // --- signals

    @Test
    void sigtermEndsLiveSessionsAndRecordsTheirLogouts() {
        SystemUser user = sftpd.user("st");
        Path remote = user.home().resolve("upload");
        DaemonProcess daemon = sftpd.startDaemon();
        try (UserSession s = uploading(daemon, user, remote)) {
            Run.checked("kill", "-TERM", Long.toString(daemon.pid()));

            assertConnectionClosed(s.client().finish());
            daemon.awaitLog("Received signal 15; terminating.");
            Poll.until(() -> !daemon.isAlive(), () -> "the daemon outlived SIGTERM");
            assertPrefix(remote);
            assertProcessesGone(s);
            LoginRecords.awaitGoneFromUtmp(s.session());
            LoginRecords.awaitLogout(user, s.session());
        }
        assertServing(sftpd.startDaemon(), user);
    }

    /** SIGHUP reloads the configuration: live sessions go on untouched, new connections are served. */
    @Test
    void sighupLeavesLiveSessionsAloneAndServesNewConnections() {
        SystemUser user = sftpd.user("sh");
        DaemonProcess daemon = sftpd.startDaemon();
        try (UserSession s = daemon.openSession(user)) {
            Run.checked("kill", "-HUP", Long.toString(daemon.pid()));

            daemon.awaitLog("Received SIGHUP; reloading the configuration.");
            assertServing(daemon, user);
            s.client().send("mkdir made-after-sighup");
            s.client().finish().assertExit(0);
            assertTrue(Files.isDirectory(user.home().resolve("made-after-sighup")));
            assertTrue(daemon.isAlive(), "the daemon is still running");
        }
    }

    // --- a flood of silent connections

    @Test
    void twoHundredSilentConnectionsAreHeldToMaxStartupsAndCutAtLoginGraceTime() throws IOException {
        int full = 10;
        DaemonProcess daemon = sftpd.startDaemon("MaxStartups 5:50:" + full, "LoginGraceTime 10");
        SystemUser user = sftpd.user("sc");
        assertServing(daemon, user);
        long rssBefore = ProcFs.rssKib(daemon.pid());
        Pattern admitted = Pattern.compile("(?m)^Connection from 127\\.0\\.0\\.1 port \\d+ on ");
        Pattern dropped = Pattern.compile("(?m)drop connection #\\d+ from \\[127\\.0\\.0\\.1\\]:\\d+ on "
                + "\\[127\\.0\\.0\\.1\\]:" + daemon.port() + " past MaxStartups");
        int before = daemon.logMatches(admitted).size();
        List<Socket> silent = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < 200; i++) {
                silent.add(new Socket(InetAddress.getLoopbackAddress(), daemon.port()));
            }
            daemon.await(() -> daemon.logMatches(admitted).size() - before + daemon.logMatches(dropped).size() >= 200,
                    () -> "the daemon did not decide on all 200 connections");
            int kept = daemon.logMatches(admitted).size() - before;
            assertTrue(kept <= full, kept + " connections admitted past MaxStartups " + full);
            assertEquals(200 - kept, daemon.logMatches(dropped).size());
            daemon.awaitLog("beginning MaxStartups throttling");

            // Full: as sshd, a real client is refused too until the silent ones go.
            new OpenSsh(daemon.port()).sftp(user, "pwd").assertExit(255);
            int processes = daemon.children().size();
            long rssFull = ProcFs.rssKib(daemon.pid());
            System.out.printf("FaultIT silent connections: %d admitted, %d dropped; monitor RSS %d KiB before, "
                    + "%d KiB with them; %d children%n", kept, 200 - kept, rssBefore, rssFull, processes);
            // Beside a transport per admitted connection: the transport pool, which this burst raises
            // to MaxStartups' start (5), and the ready engine with its session shell (2). A silent
            // connection takes no engine, so the engine pool stays at its ready count.
            assertTrue(processes <= kept + 5 + 2, processes + " processes for " + kept + " connections");
            assertTrue(rssFull - rssBefore < 64 * 1024, "the monitor grew from " + rssBefore + " to " + rssFull
                    + " KiB");

            Pattern timedOut = Pattern.compile("(?m)^Timeout before authentication for 127\\.0\\.0\\.1 port \\d+$");
            daemon.await(() -> daemon.logMatches(timedOut).size() >= kept,
                    () -> "not every silent connection was cut at LoginGraceTime");
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            System.out.printf("FaultIT silent connections: all cut %d s after the first connect%n", seconds);
            assertTrue(seconds >= 10, "cut after " + seconds + " s, before LoginGraceTime");
            for (Socket s : silent) {
                assertEndsWithin(s, 5_000);
            }
            // A slot is free once the connection's end is logged: a transport that was still starting
            // for it when its grace ran out has arrived and been killed.
            Pattern closed = Pattern.compile("(?m)^Connection closed by 127\\.0\\.0\\.1 port \\d+ \\[preauth\\]$");
            daemon.await(() -> daemon.logMatches(closed).size() >= kept, () -> "silent connections still counted");
            assertServing(daemon, user);
        } finally {
            for (Socket s : silent) {
                s.close();
            }
        }
    }

    // --- OpenSSH's sshd beside it

    @Test
    void openSshKeepsTheSameBytesOfAnInterruptedUpload() {
        SystemUser user = sftpd.user("ou");
        Path remote = user.home().resolve("upload");
        try (OpenSshd sshd = OpenSshd.start(sftpd.dir(), sftpd.hostKey(), user)) {
            OpenSftp client = new OpenSsh(sshd.port()).openSftp(user, SLOW);
            try (client) {
                client.send("put " + source() + " " + remote);
                Poll.until(() -> size(remote) >= UNDER_WAY, () -> "the upload to sshd did not get under way");
                client.killSsh();
            }
            Poll.until(() -> sshd.sessionsEnded(), () -> "sshd did not end the session: " + sshd.log());
            assertPrefix(remote);
            sshd.printLines("Starting session", "Connection closed", "Close session", "Transferred", "Closing");
        }
    }

    @Test
    void openSshReportsAFullDiskInTheSameWords() {
        SystemUser user = sftpd.user("of");
        Path small = user.home().resolve("small");
        try (OpenSshd sshd = OpenSshd.start(sftpd.dir(), sftpd.hostKey(), user);
             SmallDisk disk = SmallDisk.mount(small, user)) {
            Outcome put = new OpenSsh(sshd.port()).sftp(user, "put " + source() + " " + small.resolve("big"));

            put.assertExit(1).assertStderr("write remote \"" + small.resolve("big") + "\": Failure");
            assertPrefix(small.resolve("big"));
            Poll.until(() -> sshd.sessionsEnded(), () -> "sshd did not end the session: " + sshd.log());
            sshd.printLines("Starting session", "Disconnected");
        }
    }

    // --- helpers

    /** An sftp session of the user, going slowly, once the upload of the source to {@code remote} has begun. */
    private static UserSession uploading(DaemonProcess daemon, SystemUser user, Path remote) {
        UserSession s = daemon.openSession(user, SLOW);
        s.client().send("put " + source() + " " + remote);
        daemon.await(() -> size(remote) >= UNDER_WAY, () -> "the upload did not get under way");
        return s;
    }

    /** An sftp session of the user, going slowly, once the download of {@code remote} has begun. */
    private static UserSession downloading(DaemonProcess daemon, SystemUser user, Path remote, Path local) {
        UserSession s = daemon.openSession(user, SLOW);
        s.client().send("get " + remote + " " + local);
        daemon.await(() -> size(local) >= UNDER_WAY, () -> "the download did not get under way");
        return s;
    }

    /**
     * What sftp shows when its connection ends under it: it says so and exits 1 or 255, or, when
     * its ssh went first, it dies of SIGPIPE writing the next request (exit status 141, silent).
     */
    private static void assertConnectionClosed(Outcome o) {
        System.out.printf("FaultIT client: exit %d, stderr: %s%n", o.exitCode(), o.stderr().strip());
        assertNotEquals(0, o.exitCode(), () -> "sftp should fail: " + o);
        assertTrue(o.exitCode() == 141 || o.stderr().contains("Connection closed")
                || o.stderr().contains("Connection reset") || o.stderr().contains("Broken pipe"),
                () -> "sftp should say its connection ended: " + o);
    }

    /**
     * The session is over: its processes are gone, the log has the forced close of the file
     * with its byte counts (when the engine lived to write it) and sshd's lines for the session
     * and the connection, who no longer lists it and wtmp has its logout.
     */
    private static void assertSessionEnded(DaemonProcess daemon, SystemUser user, UserSession s, Path file,
                                           Pattern counts) {
        System.out.println("FaultIT log: " + daemon.awaitLog(Pattern.compile("forced close \"" + Pattern.quote(
                file.toString()) + "\" " + counts)).group());
        daemon.awaitLog("session closed for local user " + user + " from [127.0.0.1]");
        assertSessionEnded(daemon, user, s);
    }

    private static void assertSessionEnded(DaemonProcess daemon, SystemUser user, UserSession s) {
        daemon.awaitLog(Pattern.compile("(?m)^Close session: user " + user + " from 127\\.0\\.0\\.1 port "
                + s.clientPort() + " id 0$"));
        daemon.awaitLog(Pattern.compile("(?m)^Disconnected from user " + user + " 127\\.0\\.0\\.1 port "
                + s.clientPort() + "$"));
        assertProcessesGone(s);
        LoginRecords.awaitGoneFromUtmp(s.session());
        LoginRecords.awaitLogout(user, s.session());
    }

    private static void assertProcessesGone(UserSession s) {
        for (long pid : List.of(s.transport(), s.session(), s.engine())) {
            Poll.until(() -> !ProcFs.exists(pid), () -> "process " + pid + " outlived its session");
        }
    }

    /** The daemon is alive and serves a new session of the user. */
    private static void assertServing(DaemonProcess daemon, SystemUser user) {
        assertTrue(daemon.isAlive(), "the daemon is running");
        new OpenSsh(daemon.port()).sftp(user, "pwd").assertExit(0)
                .assertStdout("Remote working directory: " + user.home());
    }

    /** {@code part} holds the first bytes of the source, some but not all: nothing more lost, nothing made up. */
    private static void assertPrefix(Path part) {
        byte[] got = read(part);
        byte[] whole = read(source());
        System.out.printf("FaultIT disk: %s has %d of %d bytes%n", part, got.length, whole.length);
        assertTrue(got.length > 0 && got.length < whole.length, part + " has " + got.length + " of " + whole.length
                + " bytes");
        assertEquals(-1, Arrays.mismatch(got, 0, got.length, whole, 0, got.length),
                part + " is not the start of the source");
    }

    private static void assertUnchanged(Path remote) {
        assertEquals(-1, Arrays.mismatch(read(remote), read(source())), remote + " changed");
    }

    private static void assertEndsWithin(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        InputStream in = s.getInputStream();
        try {
            while (in.read() != -1) {
                // The banner or "Exceeded MaxStartups", then the end.
            }
        } catch (SocketException e) {
            // A reset ends it too.
        }
    }

    /** A copy of the source in the user's home, theirs, mode 0600. */
    private static Path remoteCopy(SystemUser user, String name) {
        try {
            Path remote = Files.copy(source(), user.home().resolve(name));
            user.own(remote, PosixFilePermissions.fromString("rw-------"));
            return remote;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIZE random bytes, readable by everyone, made once per run. */
    private static synchronized Path source() {
        if (source == null) {
            byte[] bytes = new byte[SIZE];
            new Random().nextBytes(bytes);
            try {
                source = Files.write(sftpd.dir().resolve("source"), bytes);
                Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return source;
    }

    private static void kill9(long pid) {
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false), "kill -9 " + pid);
    }

    private static long size(Path path) {
        try {
            return Files.exists(path) ? Files.size(path) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 4 MiB tmpfs the user owns, mounted for one test and unmounted after it. */
    private record SmallDisk(Path dir) implements AutoCloseable {
        static SmallDisk mount(Path dir, SystemUser user) {
            try {
                Files.createDirectory(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Run.checked("mount", "-t", "tmpfs", "-o", "size=4m,mode=0755,uid=" + user.uid() + ",gid=" + user.gid(),
                    "sftpd-faultit", dir.toString());
            return new SmallDisk(dir);
        }

        @Override
        public void close() {
            // Lazily: a session that still holds a file there must not keep the mount.
            Run.checked("umount", "-l", dir.toString());
        }
    }
}
