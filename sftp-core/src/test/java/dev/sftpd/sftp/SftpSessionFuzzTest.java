// Fuzz target: a client's byte stream through the framing, the decoder and every request handler, in a scratch directory.
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sftpd.log.LogLevel;
import dev.sftpd.log.Logging;
import dev.sftpd.log.SyslogFacility;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.Stat;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The input is what a client sends: SFTP packets, length-prefixed, INIT first in the seeds. The
 * session runs as in the engine (StreamServer, SftpSession, the request table's handlers) over
 * a libc confined to a scratch directory that is reset before each input. An input passes when
 * the session ends the way sftp-server's does (exit status 0, 11 or 255, nothing thrown), every
 * reply is a well-formed frame, every log line is escaped, no path reaches libc cut short, and
 * nothing it opened is left open.
 */
class SftpSessionFuzzTest {
    private static final Set<Integer> REPLY_TYPES = Set.of(Sftp.FXP_VERSION, Sftp.FXP_STATUS, Sftp.FXP_HANDLE,
            Sftp.FXP_DATA, Sftp.FXP_NAME, Sftp.FXP_ATTRS, Sftp.FXP_EXTENDED_REPLY);
    private static final Posix REAL = Posix.get();

    private static Path scratch;
    private static byte[] root;
    /** A log line the appender got with a byte Vis should have escaped (an appender cannot throw to us). */
    private static String unescaped;

    @BeforeAll
    static void scratchDirectory() throws IOException {
        scratch = Files.createTempDirectory("sftp-fuzz").toRealPath();
        root = scratch.toString().getBytes(StandardCharsets.UTF_8);
        // Every level, so that the escaping of each line is exercised; the sink checks it.
        Logging.init(LogLevel.DEBUG3, (level, text) -> {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if ((c < 0x20 && c != '\t' && c != '\n') || c > 0x7e) {
                    unescaped = text;
                }
            }
        });
    }

    @AfterAll
    static void removeScratch() throws SysCallException {
        empty(root);
        REAL.rmdir(root);
        Logging.init("sftp-server", LogLevel.ERROR, SyslogFacility.AUTH, true);
    }

    @FuzzTest(maxDuration = "60s")
    void packetStream(byte[] input) throws Exception {
        reset();
        unescaped = null;
        ScratchLibc[] libc = new ScratchLibc[1];
        Posix confined = ScratchLibc.confinedTo(root, libc);
        Accounts.User user = new Accounts.User("fuzz", 1000, 1000, root);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = new StreamServer(new ByteArrayInputStream(input), out)
                .run(sink -> new SftpSession(confined, ServerOptions.DEFAULTS, new FixedAccounts(user), user, "UNKNOWN",
                        sink));
        assertTrue(status == 0 || status == SessionEndException.BAD_LENGTH || status == SessionEndException.FATAL,
                "exit status " + status);
        libc[0].assertAllClosed();
        assertNull(unescaped, "log line not escaped");
        assertFramed(out.toByteArray());
    }

    private static void assertFramed(byte[] replies) {
        int pos = 0;
        while (pos < replies.length) {
            assertTrue(replies.length - pos >= 5, "reply shorter than a header at " + pos);
            int len = (replies[pos] & 0xff) << 24 | (replies[pos + 1] & 0xff) << 16 | (replies[pos + 2] & 0xff) << 8
                    | (replies[pos + 3] & 0xff);
            assertTrue(len >= 1 && len <= Sftp.MAX_MESSAGE && len <= replies.length - pos - 4,
                    "reply length " + Integer.toUnsignedString(len) + " at " + pos);
            int type = replies[pos + 4] & 0xff;
            assertTrue(REPLY_TYPES.contains(type), "reply type " + type);
            pos += 4 + len;
        }
    }

    /** The scratch directory as each input finds it: a file, a directory with a file, a link. */
    private static void reset() throws SysCallException {
        empty(root);
        int fd = REAL.open(in("f"), Posix.O_WRONLY | Posix.O_CREAT, 0644);
        byte[] data = "0123456789abcdef\n".repeat(8).getBytes(StandardCharsets.US_ASCII);
        REAL.pwrite(fd, data, 0, data.length, 0);
        REAL.close(fd);
        REAL.mkdir(in("d"), 0755);
        REAL.close(REAL.open(in("d/g"), Posix.O_WRONLY | Posix.O_CREAT, 0600));
        REAL.symlink("f".getBytes(StandardCharsets.US_ASCII), in("l"));
    }

    private static byte[] in(String name) {
        return Paths.join(root, name.getBytes(StandardCharsets.US_ASCII));
    }

    /** Removes what a directory holds, whatever modes the session left on it. */
    private static void empty(byte[] dir) throws SysCallException {
        REAL.chmod(dir, 0700);
        try (Posix.DirStream entries = REAL.opendir(dir)) {
            for (byte[] name = entries.next(); name != null; name = entries.next()) {
                String n = new String(name, StandardCharsets.ISO_8859_1);
                if (n.equals(".") || n.equals("..")) {
                    continue;
                }
                byte[] path = Paths.join(dir, name);
                Stat st = REAL.lstat(path);
                if (st.isDirectory()) {
                    empty(path);
                    REAL.rmdir(path);
                } else {
                    REAL.unlink(path);
                }
            }
        }
    }

    /** One user, whose home is the scratch directory, and two names for ids: no NSS. */
    private record FixedAccounts(Accounts.User user) implements Accounts {
        @Override
        public Optional<String> userName(int uid) {
            return uid == user.uid() ? Optional.of(user.name()) : uid == 0 ? Optional.of("root") : Optional.empty();
        }

        @Override
        public Optional<String> groupName(int gid) {
            return gid == user.gid() ? Optional.of(user.name()) : gid == 0 ? Optional.of("root") : Optional.empty();
        }

        @Override
        public Optional<User> user(String name) {
            return name.equals(user.name()) ? Optional.of(user) : Optional.empty();
        }
    }
}
