// Session-level protocol rules: INIT first, malformed input ends the session, unknown requests.
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.Logging;
import dev.sftpd.log.SyslogFacility;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SftpSessionTest {
    @TempDir
    Path dir;

    private final List<byte[]> replies = new ArrayList<>();

    private SftpSession session(ServerOptions options) {
        NssAccounts accounts = new NssAccounts();
        return new SftpSession(options, accounts, accounts.currentUser(), "UNKNOWN",
                (frame, len) -> replies.add(Arrays.copyOfRange(frame, 4, len)));
    }

    private static void process(SftpSession s, Encoder e) throws Exception {
        s.process(e.array(), 4, e.length() - 4);
    }

    private static Encoder init() {
        return new Encoder(Sftp.FXP_INIT, 16).u32(3);
    }

    private Decoder lastReply() {
        byte[] r = replies.get(replies.size() - 1);
        return new Decoder(r, 0, r.length);
    }

    @Test
    void anyRequestBeforeInitEndsTheSessionWith255() {
        SftpSession s = session(ServerOptions.DEFAULTS);
        SessionEndException e = assertThrows(SessionEndException.class,
                () -> process(s, new Encoder(Sftp.FXP_REALPATH, 16).u32(1).string(".")));
        assertEquals(255, e.exitCode());
        assertTrue(replies.isEmpty());
    }

    @Test
    void versionAdvertisesEveryExtensionUnlessDenied() throws Exception {
        ServerOptions deny = new ServerOptions(false, Optional.empty(), Optional.of(MatchList.parse("copy-data")),
                Optional.empty(), Optional.empty(), ServerOptions.DEFAULTS.logLevel(),
                ServerOptions.DEFAULTS.facility(), false, Set.of());
        process(session(deny), init());
        Decoder d = lastReply();
        assertEquals(Sftp.FXP_VERSION, d.u8());
        assertEquals(3, d.u32());
        List<String> names = new ArrayList<>();
        while (d.remaining() > 0) {
            names.add(new String(d.string(), StandardCharsets.UTF_8));
            d.string();
        }
        assertEquals(10, names.size());
        assertFalse(names.contains("copy-data"));
        assertTrue(names.contains("users-groups-by-id@openssh.com"));
    }

    @Test
    void truncatedOpenEndsTheSessionAndCreatesNothing() throws Exception {
        SftpSession s = session(ServerOptions.DEFAULTS);
        process(s, init());
        Path target = dir.resolve("created");
        Encoder open = new Encoder(Sftp.FXP_OPEN, 64).u32(7).string(target.toString()).u32(Sftp.FXF_WRITE | Sftp.FXF_CREAT);
        // The attributes that must follow the flags are missing.
        SessionEndException e = assertThrows(SessionEndException.class, () -> process(s, open));
        assertEquals(255, e.exitCode());
        assertFalse(Files.exists(target));
        assertEquals(1, replies.size());
    }

    @Test
    void unknownPacketTypeGetsNoReply() throws Exception {
        SftpSession s = session(ServerOptions.DEFAULTS);
        process(s, init());
        process(s, new Encoder(150, 16).u32(9));
        assertEquals(1, replies.size());
    }

    @Test
    void unknownExtensionIsUnsupported() throws Exception {
        SftpSession s = session(ServerOptions.DEFAULTS);
        process(s, init());
        process(s, new Encoder(Sftp.FXP_EXTENDED, 64).u32(5).string("nosuch@example.com"));
        Decoder d = lastReply();
        assertEquals(Sftp.FXP_STATUS, d.u8());
        assertEquals(5, d.u32());
        assertEquals(Status.OP_UNSUPPORTED.code(), d.u32());
    }

    /** OpenSSH's order (target, then link) by default; a client known for the draft's order gets that. */
    @Test
    void symlinkTakesOpenSshsOrderUnlessTheClientSendsTheDraftsOrder() throws Exception {
        SftpSession openssh = session(ServerOptions.DEFAULTS);
        process(openssh, init());
        process(openssh, new Encoder(Sftp.FXP_SYMLINK, 64).u32(2).string("target-a").string(dir.resolve("a").toString()));
        assertEquals("target-a", Files.readSymbolicLink(dir.resolve("a")).toString());

        SftpSession ssh2js = session(ServerOptions.DEFAULTS.withQuirks(ClientQuirks.of("SSH-2.0-ssh2js1.17.0")));
        process(ssh2js, init());
        process(ssh2js, new Encoder(Sftp.FXP_SYMLINK, 64).u32(3).string(dir.resolve("b").toString()).string("target-b"));
        assertEquals("target-b", Files.readSymbolicLink(dir.resolve("b")).toString());
    }

    @Test
    void onlyKnownClientsHaveQuirks() {
        assertEquals(Set.of(ClientQuirks.Quirk.SYMLINK_DRAFT_ORDER), ClientQuirks.of("SSH-2.0-ssh2js1.4.0"));
        assertEquals(Set.of(), ClientQuirks.of("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"));
        assertEquals(Set.of(), ClientQuirks.of("SSH-2.0-paramiko_3.4.0"));
    }

    @Test
    void readOnlyRefusesARemoveAndTheFileStays() throws Exception {
        Path victim = Files.writeString(dir.resolve("keep"), "data");
        ServerOptions ro = new ServerOptions(true, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), ServerOptions.DEFAULTS.logLevel(), ServerOptions.DEFAULTS.facility(), false, Set.of());
        SftpSession s = session(ro);
        process(s, init());
        process(s, new Encoder(Sftp.FXP_REMOVE, 64).u32(2).string(victim.toString()));
        Decoder d = lastReply();
        assertEquals(Sftp.FXP_STATUS, d.u8());
        assertEquals(2, d.u32());
        assertEquals(Status.PERMISSION_DENIED.code(), d.u32());
        assertEquals("data", Files.readString(victim));
    }

    @Test
    void copyDataIsLoggedAtDebug1WithItsFieldsUnsigned() throws Exception {
        // Found by SftpSessionFuzzTest: "len %d" was given a String, and the session died of it.
        List<String> lines = new ArrayList<>();
        Logging.init(LogLevel.DEBUG1, (level, text) -> lines.add(text));
        try {
            SftpSession s = session(ServerOptions.DEFAULTS);
            process(s, init());
            process(s, new Encoder(Sftp.FXP_EXTENDED, 64).u32(5).string("copy-data").string(HandleTable.wire(0))
                    .u64(-1).u64(-2).string(HandleTable.wire(1)).u64(Long.MIN_VALUE));
            assertTrue(lines.contains("request 5: copy-data from \"(null)\" off 18446744073709551615"
                    + " len 18446744073709551614 to \"(null)\" off 9223372036854775808"), lines.toString());
        } finally {
            Logging.init("sftp-server", LogLevel.ERROR, SyslogFacility.AUTH, true);
        }
    }
}
