// ChrootDirectory as SFTP-only deployments use it: a root-owned jail per user, names in ls -l, nothing outside reachable.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.DaemonProcess;
import dev.sftpd.testkit.OpenSsh;
import dev.sftpd.testkit.Outcome;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemAccounts;
import dev.sftpd.testkit.SystemUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The jails live below /srv: every component of a ChrootDirectory must be root's and writable by
 * root alone, which no directory below /tmp (mode 1777) is.
 */
class ChrootIT {
    @RegisterExtension
    static final Sftpd sftpd = Sftpd.withConfig();

    private static Path jails;
    private static SystemUser carol;
    private static SystemUser dave;
    private static DaemonProcess daemon;

    @BeforeAll
    static void jails() throws IOException {
        jails = Files.createTempDirectory(Path.of("/srv"), "sftpd-it-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        String group = sftpd.accounts().group("sftponly");
        carol = sftpd.accounts().user("carol", SystemAccounts.NOLOGIN, "sftponly");
        dave = sftpd.user("dave");
        Path jail = Files.createDirectory(jails.resolve(carol.name()),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path upload = Files.createDirectory(jail.resolve("upload"));
        carol.own(upload, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(jail.resolve("readme.txt"), "read me\n");
        Files.createSymbolicLink(jail.resolve("escape"), Path.of("/etc"));
        daemon = sftpd.startDaemon("Match Group " + group, "ChrootDirectory " + jails + "/%u",
                "ForceCommand internal-sftp -d /upload");
    }

    @AfterAll
    static void removeJails() {
        if (jails != null) {
            Run.checked("rm", "-rf", jails.toString());
        }
    }

    @Test
    void theSessionStartsInTheJailsUploadDirectoryAndListsOwnersByName() {
        Outcome listing = clients().sftp(carol, "pwd", "ls -l /").assertExit(0);

        listing.assertStdout("Remote working directory: /upload");
        assertTrue(listing.stdout().lines().anyMatch(l -> l.matches("-rw-r--r-- .* root +root .* /readme\\.txt")),
                listing.toString());
        assertTrue(listing.stdout().lines().anyMatch(l -> l.matches("drwxr-xr-x .* " + carol.name() + " .* /upload")),
                listing.toString());
    }

    @Test
    void anUploadLandsInTheJailOnDisk() throws IOException {
        Path local = Files.writeString(sftpd.dir().resolve("chroot-upload.txt"), "in the jail\n");

        clients().sftp(carol, "put " + local + " mine.txt").assertExit(0);

        assertEquals("in the jail\n", Files.readString(jails.resolve(carol.name()).resolve("upload/mine.txt")));
        assertFalse(Files.exists(carol.home().resolve("mine.txt")));
    }

    @Test
    void nothingOutsideTheJailIsReachableByDotDotAbsolutePathOrSymlink() throws IOException {
        Path copy = sftpd.dir().resolve("escaped");
        Outcome escape = clients().sftp(carol, "cd ../../..", "pwd", "-get /etc/passwd " + copy,
                "-get /escape/passwd " + copy, "-get ../../../../etc/passwd " + copy);

        escape.assertStdout("Remote working directory: /\n");
        assertFalse(Files.exists(copy), "no file from outside the jail was read:\n" + escape);
    }

    @Test
    void aUserOutsideTheMatchIsNotJailed() {
        clients().sftp(dave, "pwd").assertExit(0).assertStdout("Remote working directory: " + dave.home());
    }

    /** A jail its user could write would let them plant files the session then trusts: refused, in sshd's words. */
    @Test
    void aJailWithBadOwnershipIsRefusedAndLogged() throws IOException {
        SystemUser erin = sftpd.accounts().user("erin", SystemAccounts.NOLOGIN, "sftponly");
        Path jail = Files.createDirectory(jails.resolve(erin.name()));
        erin.own(jail, PosixFilePermissions.fromString("rwxr-xr-x"));

        clients().sftp(erin, "pwd").assertStdoutLacks("Remote working directory");

        daemon.awaitLog("bad ownership or modes for chroot directory \"" + jail + "\"");
    }

    private static OpenSsh clients() {
        return new OpenSsh(daemon.port());
    }
}
