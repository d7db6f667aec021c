// NssAccounts against getent(1): the same NSS entries, through our own getpwnam_r/getpwuid_r/getgrgid_r bindings.
package dev.sftpd.sftp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sftpd.testkit.Root;
import dev.sftpd.testkit.Run;
import dev.sftpd.testkit.SystemAccounts;
import dev.sftpd.testkit.SystemUser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NssAccountsTest {
    private final NssAccounts accounts = new NssAccounts();

    /** getent's passwd line for a name or uid, split at ':' (name, password, uid, gid, gecos, home, shell). */
    private static String[] getent(String database, String key) {
        return Run.checked("getent", database, key).stdout().strip().split(":", -1);
    }

    @Test
    void theProcessOwnAccountIsWhatGetentSays() {
        String[] pw = getent("passwd", Run.checked("id", "-u").stdout().strip());
        Accounts.User user = accounts.currentUser();
        assertEquals(pw[0], user.name());
        assertEquals(Integer.parseInt(pw[2]), user.uid());
        assertEquals(Integer.parseInt(pw[3]), user.gid());
        assertArrayEquals(pw[5].getBytes(StandardCharsets.UTF_8), user.home());
        assertEquals(Optional.of(pw[0]), accounts.userName(user.uid()));
    }

    @Test
    void namesOfIdsAreGetentsAndUnknownIdsHaveNone() {
        assertEquals(Optional.of(getent("passwd", "0")[0]), accounts.userName(0));
        assertEquals(Optional.of(getent("group", "0")[0]), accounts.groupName(0));
        int unused = 2_000_000_017;
        assertEquals(2, Run.run(List.of("getent", "passwd", Integer.toString(unused)), new byte[0]).exitCode(),
                "uid " + unused + " must be unknown to NSS for this test");
        assertEquals(Optional.empty(), accounts.userName(unused));
        assertEquals(Optional.empty(), accounts.groupName(unused));
        assertEquals(Optional.empty(), accounts.user("sftpd-no-such-user"));
    }

    /** An entry larger than glibc's suggested 1024-byte buffer: the lookup grows its buffer (ERANGE). */
    @Test
    void anAccountLargerThanTheFirstBufferIsFoundWhole() {
        Root.assume("creates a system user with a long home directory");
        String home = "/nonexistent/" + "h".repeat(200) + "/" + "o".repeat(200) + "/" + "m".repeat(200) + "/"
                + "e".repeat(200) + "/" + "d".repeat(200) + "/" + "i".repeat(200);
        try (SystemAccounts system = new SystemAccounts()) {
            SystemUser u = system.user("nss");
            // usermod without -m only rewrites the entry; the real home is put back for userdel -r.
            Run.checked("usermod", "-d", home, u.name());
            try {
                assertEquals(home, getent("passwd", u.name())[5]);
                Accounts.User user = accounts.user(u.name()).orElseThrow();
                assertEquals(u.uid(), user.uid());
                assertEquals(u.gid(), user.gid());
                assertArrayEquals(home.getBytes(StandardCharsets.UTF_8), user.home());
            } finally {
                Run.checked("usermod", "-d", u.home().toString(), u.name());
            }
        }
    }
}
