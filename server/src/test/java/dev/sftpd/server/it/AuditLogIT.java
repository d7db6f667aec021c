// AuditLog: one JSON record per line, written by the monitor alone, for what the stock sftp client does as a real user.
package dev.sftpd.server.it;

import static dev.sftpd.server.it.AuditRecords.is;
import static dev.sftpd.server.it.AuditRecords.isNumber;
import static dev.sftpd.server.it.AuditRecords.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.ProcFs;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import dev.sftpd.testkit.UserSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditLogIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withoutDaemon();

    private static final String RFC3339 = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z";

    private static Path log;
    private static SystemUser reader;
    private static SystemUser guarded;
    private static SystemUser jailed;
    private static Path jails;
    private static DaemonProcess daemon;

    /** Jails live below /srv: every component of a ChrootDirectory must be root's alone (see ChrootIT). */
    @BeforeAll
    static void start() throws IOException {
        log = sftpd.dir().resolve("audit.json");
        reader = sftpd.user("reader");
        guarded = sftpd.user("guarded");
        jailed = sftpd.user("jailed");
        jails = Files.createTempDirectory(Path.of("/srv"), "sftpd-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path jail = Files.createDirectory(jails.resolve(jailed.name()));
        Files.setPosixFilePermissions(jail, PosixFilePermissions.fromString("rwxr-xr-x"));
        jailed.own(Files.createDirectory(jail.resolve("upload")), PosixFilePermissions.fromString("rwxr-xr-x"));
        daemon = sftpd.startDaemon("AuditLog " + log,
                "Match User " + reader.name(), "ForceCommand internal-sftp -R",
                "Match User " + guarded.name(), "ForceCommand internal-sftp -P remove",
                "Match User " + jailed.name(), "ChrootDirectory " + jails + "/%u", "ForceCommand internal-sftp");
    }

    @AfterAll
    static void removeJails() {
        if (jails != null) {
            Run.checked("rm", "-rf", jails.toString());
        }
    }

    @Test
    void everyOperationIsAJsonRecordWithWhoWhenWhenceAndWhat() throws IOException {
        SystemUser user = sftpd.user("writer");
        Path local = sftpd.randomFile("audited-upload", 70_000);
        Path back = sftpd.dir().resolve("audited-download");

        daemon.clients().sftp(user, "mkdir adir", "put " + local + " adir/up.bin", "get adir/up.bin " + back,
                "rename adir/up.bin adir/moved.bin", "chmod 600 adir/moved.bin", "ln -s moved.bin adir/soft",
                "ln adir/moved.bin adir/hard", "cp adir/moved.bin adir/copy.bin", "rm adir/soft", "rm adir/hard",
                "rm adir/copy.bin", "rm adir/moved.bin", "rmdir adir", "mkdir 'say \"hi\"'").assertExit(0);

        // The session's end is written after its engine's last reports.
        List<Map<String, String>> trail = connectionOf(user, is("event", "session_end"));
        List<String> events = trail.stream().map(r -> text(r, "event")).toList();
        assertEquals("connect", events.get(0), "a connection's trail begins with it: " + events);
        assertTrue(events.indexOf("auth") < events.indexOf("session_start"), events.toString());
        Map<String, String> connect = trail.get(0);
        assertEquals("127.0.0.1", text(connect, "client"));
        assertTrue(text(connect, "session").matches("[0-9a-f]{16}"), connect.toString());
        Map<String, String> auth = new AuditRecords(trail).only(is("result", "accepted"));
        assertEquals("publickey", text(auth, "method"));
        assertEquals(user.fingerprint(), text(auth, "fingerprint"));
        for (Map<String, String> r : trail) {
            assertTrue(text(r, "time").matches(RFC3339), "RFC 3339 time: " + r);
            assertEquals(text(connect, "client_port"), text(r, "client_port"), r.toString());
            assertTrue(isNumber(r, "client_port"), r.toString());
            if (!r.equals(connect)) {
                assertEquals(user.name(), text(r, "user"), r.toString());
                assertEquals(Integer.toString(user.uid()), r.get("uid"), r.toString());
            }
        }
        List<Map<String, String>> ops = trail.stream().filter(is("event", "sftp")).toList();
        ops.forEach(r -> assertTrue(isNumber(r, "duration_ms") && isNumber(r, "sftp"), r.toString()));
        ops.forEach(r -> assertEquals("OK", text(r, "status"), r.toString()));

        assertOp(ops, "mkdir", "/adir", null);
        assertEquals(List.of("WRITE,CREATE,TRUNCATE", "READ"), ops.stream().filter(is("request", "open"))
                .filter(r -> text(r, "path").endsWith("/adir/up.bin")).map(r -> text(r, "flags")).toList(),
                "the upload's open, then the download's: " + ops);
        List<Map<String, String>> closes = ops.stream().filter(is("request", "close"))
                .filter(r -> text(r, "path").endsWith("/adir/up.bin")).toList();
        assertEquals(Set.of("0/70000", "70000/0"), closes.stream()
                .map(r -> r.get("bytes_read") + "/" + r.get("bytes_written")).collect(Collectors.toSet()),
                "bytes read and written through each handle: " + closes);
        assertOp(ops, "posix-rename", "/adir/up.bin", "/adir/moved.bin");
        assertOp(ops, "setstat", "/adir/moved.bin", null);
        assertOp(ops, "symlink", "moved.bin", "/adir/soft");
        assertOp(ops, "hardlink", "/adir/moved.bin", "/adir/hard");
        Map<String, String> copy = assertOp(ops, "copy-data", "/adir/moved.bin", "/adir/copy.bin");
        assertEquals("70000", copy.get("bytes_written"));
        for (String removed : List.of("/adir/soft", "/adir/hard", "/adir/copy.bin", "/adir/moved.bin")) {
            assertOp(ops, "remove", removed, null);
        }
        assertOp(ops, "rmdir", "/adir", null);
        assertOp(ops, "mkdir", "/say \\\"hi\\\"", null);
        connectionOf(user, is("event", "disconnect"));
    }

    @Test
    void aRefusedKeyIsAFailedAuthWithItsFingerprintAndTheAccountsUid() {
        SystemUser intruder = sftpd.accounts().newUser("intruder", "staff");

        daemon.clients().sftp(intruder, "pwd").assertNoSession();

        List<Map<String, String>> trail = connectionOf(intruder, is("event", "disconnect"));
        Map<String, String> failed = new AuditRecords(trail).where(is("event", "auth")).get(0);
        assertEquals("publickey", text(failed, "method"));
        assertEquals("failed", text(failed, "result"));
        assertEquals(intruder.fingerprint(), text(failed, "fingerprint"));
        assertEquals(Integer.toString(intruder.uid()), failed.get("uid"));
        assertTrue(trail.stream().noneMatch(is("event", "session_start")), trail.toString());
    }

    @Test
    void aJailedEngineReportsOnTheChannelItAsksNamesOn() {
        Outcome listing = daemon.clients().sftp(jailed, "ls -l /", "mkdir /upload/made").assertExit(0);

        assertTrue(listing.stdout().lines().anyMatch(l -> l.matches("drwxr-xr-x .* " + jailed.name() + " .* /upload")),
                "names for ls -l still come from the monitor: " + listing);
        Map<String, String> made = new AuditRecords(connectionOf(jailed, is("request", "mkdir")))
                .only(is("request", "mkdir"));
        assertEquals("/upload/made", text(made, "path"), "the path as the jailed engine saw it");
        assertEquals("OK", text(made, "status"));
        assertTrue(Files.isDirectory(jails.resolve(jailed.name()).resolve("upload/made")));
    }

    @Test
    void aLiveSessionsOperationsReachTheLogBeforeItEnds() {
        SystemUser user = sftpd.user("live");

        try (UserSession session = daemon.openSession(user)) {
            session.client().send("mkdir live-dir");

            List<Map<String, String>> trail = connectionOf(user, is("request", "mkdir"));
            assertTrue(trail.stream().noneMatch(is("event", "session_end")), "the session is still open: " + trail);
            assertTrue(ProcFs.exists(session.engine()), "its engine still serves");
        }
    }

    @Test
    void theFileIsRootsAloneAndALiveEngineHasNoDescriptorOfIt() throws IOException {
        SystemUser user = sftpd.user("holder");

        try (UserSession session = daemon.openSession(user)) {
            Map<Integer, String> fds = ProcFs.descriptors(session.engine());

            for (int fd : fds.keySet()) {
                Path open = Path.of("/proc", Long.toString(session.engine()), "fd", Integer.toString(fd));
                assertFalse(Files.isSameFile(open, log), "the engine's descriptor " + fd + " is the audit log: " + fds);
            }
            assertTrue(fds.size() > 3, "the engine was looked at while it served: " + fds);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        assertEquals(0, Files.getAttribute(log, "unix:uid"));
        Outcome forged = Run.run(List.of("setpriv", "--reuid=" + user.uid(), "--regid=" + user.gid(), "--clear-groups",
                "sh", "-c", "echo '{\"forged\":1}' >> " + log + " || : > " + log), new byte[0]);
        assertNotEquals(0, forged.exitCode(), forged.toString());
        assertFalse(Files.readString(log).contains("forged"));
    }

    @Test
    void aHangUpReopensTheFileSoThatLinesAfterItLandInTheNewOne() throws IOException {
        SystemUser user = sftpd.user("rotated");
        Path rotated = sftpd.dir().resolve("audit.json.1");
        int reloads = reloads();
        Files.move(log, rotated);

        daemon.hangUp();
        daemon.await(() -> reloads() > reloads, () -> "no reload");
        daemon.clients().sftp(user, "mkdir after-rotation").assertExit(0);

        connectionOf(user, is("request", "mkdir"));
        assertTrue(AuditRecords.read(rotated).where(is("user", user.name())).isEmpty(),
                "records after the hang-up went to the renamed file");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    }

    @Test
    void aReadOnlySessionsRefusalsAreAuditedWithTheReasonAndChangeNothing() throws IOException {
        Path keep = reader.createFile("keep.txt", "kept\n", "rw-------");
        Path local = sftpd.randomFile("refused-upload", 1000);

        daemon.clients().sftp(reader, "-put " + local + " new.bin", "-rm keep.txt", "-mkdir newdir",
                "-rename keep.txt renamed.txt");

        List<Map<String, String>> ops = connectionOf(reader, r -> String.valueOf(text(r, "request")).contains("rename"))
                .stream().filter(is("event", "sftp")).filter(is("status", "PERMISSION_DENIED")).toList();
        // posix-rename is not advertised in read-only mode: the client falls back to rename.
        for (String request : List.of("open", "remove", "mkdir", "rename")) {
            Map<String, String> refused = ops.stream().filter(is("request", request)).findFirst()
                    .orElseThrow(() -> new AssertionError(request + " not audited as refused: " + ops));
            assertEquals("read-only", text(refused, "reason"), refused.toString());
        }
        assertEquals("kept\n", Files.readString(keep));
        for (String absent : List.of("new.bin", "newdir", "renamed.txt")) {
            assertFalse(Files.exists(reader.home().resolve(absent), LinkOption.NOFOLLOW_LINKS), absent);
        }
    }

    @Test
    void aDenylistedRequestIsAuditedWithTheReasonAndChangesNothing() throws IOException {
        Path keep = guarded.createFile("guarded.txt", "guarded\n", "rw-------");

        daemon.clients().sftp(guarded, "-rm guarded.txt");

        Map<String, String> refused = connectionOf(guarded, is("request", "remove")).stream()
                .filter(is("request", "remove")).findFirst().orElseThrow();
        assertEquals("PERMISSION_DENIED", text(refused, "status"));
        assertEquals("denylisted", text(refused, "reason"));
        assertTrue(text(refused, "path").endsWith("/guarded.txt"), refused.toString());
        assertEquals("guarded\n", Files.readString(keep));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"group-writable", "symlink"})
    void anAuditLogOthersCouldWriteOrASymlinkKeepsTheDaemonFromStarting(String kind) throws IOException {
        Path file = sftpd.dir().resolve("unsafe-" + kind + ".json");
        if (kind.equals("symlink")) {
            Files.createSymbolicLink(file, Files.createFile(sftpd.dir().resolve("symlink-target.json")));
        } else {
            Files.setPosixFilePermissions(Files.createFile(file), PosixFilePermissions.fromString("rw-rw----"));
        }
        Path hostKey = sftpd.dir().resolve("unsafe-hostkey-" + kind);
        Run.checked("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
        Path config = Files.write(sftpd.dir().resolve("unsafe-" + kind + ".conf"), List.of("AuditLog " + file,
                "Port " + DaemonProcess.freePort(), "ListenAddress 127.0.0.1", "PidFile none", "ControlSocket none",
                "HostKey " + hostKey));

        Outcome outcome = Run.run(List.of(Sftpd.repository().resolve("bin/sftpd").toString(), "-D", "-e", "-f",
                config.toString()), new byte[0]);

        assertEquals(255, outcome.exitCode(), outcome.toString());
        assertTrue(outcome.stderr().contains("AuditLog " + file + ": "), outcome.toString());
        assertFalse(outcome.stderr().contains("Server listening"), outcome.toString());
    }

    private static int reloads() {
        return daemon.logText().split("Reloaded ", -1).length - 1;
    }

    /** An operation with this request and paths (ends of), exactly once. */
    private static Map<String, String> assertOp(List<Map<String, String>> ops, String request, String path, String to) {
        List<Map<String, String>> found = ops.stream().filter(is("request", request))
                .filter(r -> text(r, "path") != null && text(r, "path").endsWith(path))
                .filter(r -> to == null ? !r.containsKey("to") : text(r, "to") != null && text(r, "to").endsWith(to))
                .toList();
        assertEquals(1, found.size(), request + " " + path + " " + to + " in " + ops);
        return found.get(0);
    }

    /**
     * The records of the user's latest connection, in order, once one of them matches
     * {@code awaited} (the engine reports in batches and the monitor writes on its own thread).
     */
    private static List<Map<String, String>> connectionOf(SystemUser user, Predicate<Map<String, String>> awaited) {
        List<List<Map<String, String>>> found = new java.util.ArrayList<>();
        daemon.await(() -> {
            AuditRecords all = AuditRecords.read(log);
            List<Map<String, String>> mine = all.where(is("user", user.name()));
            if (mine.isEmpty()) {
                return false;
            }
            String session = text(mine.get(mine.size() - 1), "session");
            List<Map<String, String>> trail = all.where(is("session", session));
            found.add(0, trail);
            return awaited == null || trail.stream().anyMatch(awaited);
        }, () -> "no such record of " + user + " in " + log);
        return found.get(0);
    }
}
