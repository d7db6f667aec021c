// Specifies login records by what who, last and lastlog print about an SFTP session.
package dev.sftpd.monitor.login;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.Logging;
import dev.sftpd.log.SyslogFacility;
import dev.sftpd.testkit.Root;
import dev.sftpd.testkit.SystemAccounts;
import dev.sftpd.testkit.SystemUser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginRecorderTest {
    // The worker's pid, which the monitor also puts in the line name.
    private static final int PID = 12345;
    private static final Instant LOGIN = Instant.now().minus(Duration.ofMinutes(3)).truncatedTo(ChronoUnit.SECONDS);

    @TempDir
    Path dir;

    private LoginFiles files() {
        return new LoginFiles(dir.resolve("utmp"), dir.resolve("wtmp"), dir.resolve("lastlog"));
    }

    private static Session session(String address) throws IOException {
        return new Session(PID, "sftp12345", "alice", 4242, InetAddress.getByName(address), address, LOGIN);
    }

    @Test
    void lastShowsUserLineAndAddressThenTheSessionLength() throws Exception {
        LoginRecorder recorder = new LoginRecorder(files());
        Session s = session("192.0.2.7");

        recorder.login(s);
        String during = run("last", "-f", files().wtmp().toString(), "-w", "-i");
        recorder.logout(s, LOGIN.plus(Duration.ofMinutes(2)));
        String after = run("last", "-f", files().wtmp().toString(), "-w", "-i");

        // Without a logout, last says "still logged in" only if /proc/<pid>/loginuid is the user's
        // uid (pam_loginuid sets it for sshd sessions), else "gone - no logout".
        String open = "(still logged in|gone - no logout)";
        assertAll(
                () -> assertTrue(during.matches("(?s)alice +sftp12345 +192\\.0\\.2\\.7 .*" + open + ".*"), during),
                () -> assertTrue(after.matches("(?s)alice +sftp12345 +192\\.0\\.2\\.7 .*\\(00:02\\).*"), after),
                () -> assertFalse(after.matches("(?s).*" + open + ".*"), after));
    }

    @Test
    void lastPrintsAnIpv6Client() throws Exception {
        new LoginRecorder(files()).login(session("2001:db8::5"));

        String out = run("last", "-f", files().wtmp().toString(), "-w", "-i");

        assertTrue(out.matches("(?s)alice +sftp12345 +2001:db8::5 .*"), out);
    }

    @Test
    void whoListsTheUserOnlyWhileLoggedIn() throws Exception {
        LoginRecorder recorder = new LoginRecorder(files());
        Session s = session("192.0.2.7");

        recorder.login(s);
        String during = run("who", files().utmp().toString());
        recorder.logout(s, Instant.now());
        String after = run("who", files().utmp().toString());

        assertAll(
                () -> assertTrue(during.matches("(?s)alice +sftp12345 .*\\(192\\.0\\.2\\.7\\)\n"), during),
                () -> assertEquals("", after));
    }

    @Test
    void logoutReusesTheLoginsUtmpSlotWithUserAndHostCleared() throws Exception {
        LoginRecorder recorder = new LoginRecorder(files());
        Session s = session("192.0.2.7");

        recorder.login(s);
        recorder.logout(s, Instant.now());

        ByteBuffer utmp = ByteBuffer.wrap(Files.readAllBytes(files().utmp())).order(ByteOrder.nativeOrder());
        assertAll(
                () -> assertEquals(Utmpx.SIZE, utmp.capacity()),
                () -> assertEquals(Utmpx.DEAD_PROCESS, utmp.getShort(0)),
                () -> assertEquals(PID, utmp.getInt(4)),
                () -> assertEquals("sftp12345", field(utmp, 8, 32)),
                () -> assertEquals("s000", field(utmp, 40, 4)),
                () -> assertEquals("", field(utmp, 44, 32)),
                () -> assertEquals("", field(utmp, 76, 256)));
    }

    @Test
    void aSessionWhoseProcessIsGoneIsEndedInUtmpAndWtmp() throws Exception {
        LoginRecorder recorder = new LoginRecorder(files());
        recorder.login(session("192.0.2.7"));

        recorder.endSessionsWhoseProcessIsGone(pid -> false);

        // last would print the logout as "still running" within its first second: read the records.
        ByteBuffer utmp = ByteBuffer.wrap(Files.readAllBytes(files().utmp())).order(ByteOrder.nativeOrder());
        ByteBuffer wtmp = ByteBuffer.wrap(Files.readAllBytes(files().wtmp())).order(ByteOrder.nativeOrder());
        assertAll(
                () -> assertEquals(Utmpx.SIZE, utmp.capacity()),
                () -> assertEquals(Utmpx.DEAD_PROCESS, utmp.getShort(0)),
                () -> assertEquals("", run("who", files().utmp().toString())),
                () -> assertEquals(2 * Utmpx.SIZE, wtmp.capacity()),
                () -> assertEquals(Utmpx.DEAD_PROCESS, wtmp.getShort(Utmpx.SIZE)),
                () -> assertEquals(PID, wtmp.getInt(Utmpx.SIZE + 4)),
                () -> assertEquals("sftp12345", field(wtmp, Utmpx.SIZE + 8, 32)));
    }

    @Test
    void aSessionWhoseProcessLivesAndOtherProgramsEntriesAreLeftAlone() throws Exception {
        LoginRecorder recorder = new LoginRecorder(files());
        recorder.login(session("192.0.2.7"));
        recorder.login(new Session(PID + 1, "pts/3", "bob", 4243, InetAddress.getByName("192.0.2.8"), "192.0.2.8",
                LOGIN));
        byte[] before = Files.readAllBytes(files().utmp());

        recorder.endSessionsWhoseProcessIsGone(pid -> pid == PID);

        assertEquals(-1, java.util.Arrays.mismatch(before, Files.readAllBytes(files().utmp())));
    }

    private static Session session(int pid, String user) throws IOException {
        return new Session(pid, "sftp" + pid, user, 4242, InetAddress.getByName("192.0.2.7"), "192.0.2.7", LOGIN);
    }

    /** The ut_id of each utmp entry, in file order. */
    private List<String> utmpIds() throws IOException {
        ByteBuffer utmp = ByteBuffer.wrap(Files.readAllBytes(files().utmp())).order(ByteOrder.nativeOrder());
        List<String> ids = new java.util.ArrayList<>();
        for (int at = 0; at < utmp.capacity(); at += Utmpx.SIZE) {
            ids.add(field(utmp, at + 40, 4));
        }
        return ids;
    }

    /**
     * One session after another, each with a pid of its own, keep using one utmp slot, as one
     * pty after another does: utmp does not grow with every pid ending, and last still shows
     * each session.
     */
    @Test
    void sessionsOneAfterAnotherReuseOneUtmpSlot() throws Exception {
        LoginRecorder recorder = new LoginRecorder(files());
        for (int i = 0; i < 30; i++) {
            Session s = session(PID + 7 * i, "alice");
            recorder.login(s);
            recorder.logout(s, LOGIN.plus(Duration.ofSeconds(i + 1)));
        }

        assertEquals(List.of("s000"), utmpIds());
        String last = run("last", "-f", files().wtmp().toString(), "-w");
        assertEquals(30, last.lines().filter(l -> l.startsWith("alice ")).count(), last);
    }

    /** Sessions open at once take slots of their own, and a login takes the lowest one a logout freed. */
    @Test
    void sessionsOpenAtOnceTakeTheLowestFreeSlot() throws Exception {
        LoginRecorder recorder = new LoginRecorder(files());
        Session a = session(PID, "alice");
        Session b = session(PID + 1, "bob");
        Session c = session(PID + 2, "carol");
        recorder.login(a);
        recorder.login(b);
        recorder.logout(a, Instant.now());
        recorder.login(c);

        assertEquals(List.of("s000", "s001"), utmpIds());
        String who = run("who", files().utmp().toString());
        assertAll(
                () -> assertFalse(who.contains("alice"), who),
                () -> assertTrue(who.contains("bob"), who),
                () -> assertTrue(who.contains("carol"), who));
    }

    /** A session of an earlier daemon's that is still alive keeps its slot: a new daemon's login takes the next. */
    @Test
    void aLiveSessionOfAnEarlierDaemonKeepsItsSlot() throws Exception {
        new LoginRecorder(files()).login(session(PID, "alice"));
        byte[] before = Files.readAllBytes(files().utmp());

        LoginRecorder restarted = new LoginRecorder(files());
        restarted.endSessionsWhoseProcessIsGone(pid -> pid == PID);
        Session b = session(PID + 1, "bob");
        restarted.login(b);

        assertEquals(List.of("s000", "s001"), utmpIds());
        byte[] after = Files.readAllBytes(files().utmp());
        assertEquals(-1, java.util.Arrays.mismatch(before, java.util.Arrays.copyOf(after, Utmpx.SIZE)),
                "alice's entry is as it was");
    }

    @Test
    void eachRecordIs384Bytes() throws Exception {
        LoginRecorder recorder = new LoginRecorder(files());
        Session s = session("192.0.2.7");

        recorder.login(s);
        long afterLogin = Files.size(files().wtmp());
        recorder.logout(s, Instant.now());

        assertEquals(List.of(384L, 768L), List.of(afterLogin, Files.size(files().wtmp())));
    }

    @Test
    void lastlogRecordSitsAtUidTimes292() throws Exception {
        new LoginRecorder(files()).login(session("192.0.2.7"));

        ByteBuffer lastlog = ByteBuffer.wrap(Files.readAllBytes(files().lastlog())).order(ByteOrder.nativeOrder());
        int at = 4242 * 292;
        assertAll(
                () -> assertEquals(at + 292, lastlog.capacity()),
                () -> assertEquals(LOGIN.getEpochSecond(), lastlog.getInt(at)),
                () -> assertEquals("sftp12345", field(lastlog, at + 4, 32)),
                () -> assertEquals("192.0.2.7", field(lastlog, at + 36, 256)));
    }

    @Test
    void missingFilesAreCreatedRwRwRGroupUtmp() throws Exception {
        new LoginRecorder(files()).login(session("192.0.2.7"));

        boolean utmpGroup = Root.isRoot() && run("getent", "group", "utmp").startsWith("utmp:");
        for (Path f : List.of(files().utmp(), files().wtmp(), files().lastlog())) {
            assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
            if (utmpGroup) {
                assertEquals("utmp", Files.getAttribute(f, "posix:group").toString(), f.toString());
            }
        }
    }

    @Test
    void aRecordThatCannotBeWrittenIsLoggedNotThrown() throws Exception {
        LoginFiles files = files();
        for (Path f : List.of(files.utmp(), files.wtmp(), files.lastlog())) {
            Files.createDirectory(f);
        }
        String log = capturingErrors(() -> {
            LoginRecorder recorder = new LoginRecorder(files);
            recorder.login(session("192.0.2.7"));
            recorder.logout(session("192.0.2.7"), Instant.now());
        });

        assertAll(
                () -> assertTrue(log.contains("utmpx: pututxline " + files.utmp() + ": Is a directory"), log),
                () -> assertTrue(log.contains("wtmpx: updwtmpx " + files.wtmp() + ": Is a directory"), log),
                () -> assertTrue(log.contains("lastlog: open " + files.lastlog() + ": Is a directory"), log));
    }

    @Test
    void loginAndLogoutLogNothingWhenRecordsAreWritten() throws Exception {
        String log = capturingErrors(() -> {
            LoginRecorder recorder = new LoginRecorder(files());
            recorder.login(session("192.0.2.7"));
            recorder.logout(session("192.0.2.7"), Instant.now());
        });

        assertEquals("", log);
    }

    @Test
    void lastlogCommandShowsTheLineAndHost() throws Exception {
        Root.assume("adds a user and writes /var/log/lastlog");
        try (SystemAccounts accounts = new SystemAccounts()) {
            SystemUser account = accounts.newAccount("ll", SystemAccounts.NOLOGIN);
            String user = account.name();
            int uid = account.uid();
            LoginFiles files = new LoginFiles(dir.resolve("utmp"), dir.resolve("wtmp"), LoginFiles.SYSTEM.lastlog());
            InetAddress client = InetAddress.getByName("192.0.2.9");
            Session s = new Session(PID, "sftp12345", user, uid, client, "192.0.2.9", LOGIN);
            String out;
            try (SavedRange saved = SavedRange.of(files.lastlog(), LastlogEntry.offset(uid), LastlogEntry.SIZE)) {
                new LoginRecorder(files).login(s);
                out = run("lastlog", "-u", user);
            }

            // lastlog prints at most 8 characters of the line: "sftp1234".
            assertTrue(out.matches("(?s).*\n" + user + " +sftp1234 +192\\.0\\.2\\.9 .*"), out);
        }
    }

    /** Puts back a system file's bytes and length (or its absence), so a test leaves no trace in it. */
    private record SavedRange(Path file, long offset, ByteBuffer bytes, long length) implements AutoCloseable {
        static SavedRange of(Path file, long offset, int size) throws IOException {
            if (!Files.exists(file)) {
                return new SavedRange(file, offset, null, -1);
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer bytes = ByteBuffer.allocate(size);
                ch.read(bytes, offset);
                return new SavedRange(file, offset, bytes.flip(), ch.size());
            }
        }

        @Override
        public void close() throws IOException {
            if (bytes == null) {
                Files.deleteIfExists(file);
                return;
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.write(bytes, offset);
                ch.truncate(length);
            }
        }
    }

    /** The C string in a fixed-size field, up to its first NUL. */
    private static String field(ByteBuffer struct, int offset, int size) {
        byte[] bytes = new byte[size];
        struct.get(offset, bytes);
        int end = 0;
        while (end < size && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** Runs a program to completion; its stdout and stderr together. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /** What the action logged at level error and above, as sftpd would print it on stderr. */
    private static String capturingErrors(Action action) throws Exception {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Logging.init("sftpd", LogLevel.ERROR, SyslogFacility.AUTH, true);
            action.run();
        } finally {
            System.setErr(stderr);
            Logging.init("sftpd", LogLevel.ERROR, SyslogFacility.AUTH, true);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
