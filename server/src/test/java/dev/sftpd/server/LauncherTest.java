// The transport jail's mount table: fstab(5) escaping, checked against the real mount(8).
package dev.sftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sftpd.testkit.Root;
import dev.sftpd.testkit.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherTest {
    @TempDir
    Path dir;

    @Test
    void blanksAndBackslashesInAPathAreEscapedAsFstabWantsThem() {
        assertEquals("/opt/a\\040b\\011c\\134d\\012e /jail/opt/a\\040b\\011c\\134d\\012e none bind,ro 0 0\n",
                Launcher.fstabEntry("/jail", "/opt/a b\tc\\d\ne", "bind,ro"));
    }

    /** What mount -a makes of a line for a directory whose name needs escaping: the same directory, read-only, in the jail. */
    @Test
    void mountBindsTheDirectoryTheLineNames() throws Exception {
        Root.assume("mounts in a private mount namespace");
        Path source = Files.createDirectories(dir.resolve("class path\\with\ttab and space"));
        Files.writeString(source.resolve("f"), "the jar\n");
        Path jail = Files.createDirectories(dir.resolve("jail"));
        Path table = Files.writeString(dir.resolve("table.fstab"),
                Launcher.fstabEntry(jail.toString(), source.toString(), "bind,ro,nosuid,nodev,X-mount.mkdir"));
        String inJail = jail + source.toString() + "/f";
        String out = Run.checked("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                "mount -n -a -T \"$1\" && cat \"$2\" && ! touch \"$2\" 2>/dev/null && echo read-only", "sh",
                table.toString(), inJail).stdout();
        assertEquals("the jar\nread-only\n", out);
    }
}
