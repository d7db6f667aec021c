// PrivilegeDrop, run in child JVMs: every thread becomes the user, with its groups, and root stays out of reach.
package dev.sftpd.privsep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sftpd.testkit.Root;
import dev.sftpd.testkit.SystemAccounts;
import dev.sftpd.testkit.SystemUser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PrivilegeDropTest {
    private static SystemAccounts accounts;
    private static String user;
    private static int uid;
    private static int gid;
    private static int extraGid;

    record Run(int status, List<String> lines) {
        List<String> starting(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    /** A system user whose supplementary group makes the groups check more than a formality. */
    @BeforeAll
    static void createUser() {
        if (!Root.isRoot()) {
            return;
        }
        accounts = new SystemAccounts();
        SystemUser account = accounts.newAccount("drop", SystemAccounts.NOLOGIN, "extra");
        user = account.name();
        uid = account.uid();
        gid = account.gid();
        extraGid = accounts.gid("extra");
    }

    @AfterAll
    static void removeUser() {
        if (accounts != null) {
            accounts.close();
        }
    }

    @Test
    void everyThreadBecomesTheUserWithItsGroups() throws Exception {
        Root.assume("creates a user and drops privileges to it");
        Run run = probe("drop", uid, gid, user);
        assertEquals(0, run.status(), run.lines().toString());

        List<String> uids = run.starting("task ").stream().filter(l -> l.contains(" Uid:")).toList();
        assertTrue(uids.size() >= 5, "the probe and its 4 threads at least: " + uids);
        String wantedUid = "Uid:" + ("\t" + uid).repeat(4);
        String wantedGid = "Gid:" + ("\t" + gid).repeat(4);
        for (String line : run.starting("task ")) {
            String field = line.split(" ", 3)[2];
            if (field.startsWith("Uid:")) {
                assertEquals(wantedUid, field, line);
            } else if (field.startsWith("Gid:")) {
                assertEquals(wantedGid, field, line);
            } else {
                assertEquals(Set.of(gid, extraGid), groups(field), line);
            }
        }
    }

    @Test
    void rootCannotBeRegainedNorItsFilesRead() throws Exception {
        Root.assume("creates a user and drops privileges to it");
        Run run = probe("drop", uid, gid, user);
        assertEquals(List.of("setuid(0): Operation not permitted"), run.starting("setuid(0)"), run.lines().toString());
        assertEquals(List.of("/etc/shadow: denied"), run.starting("/etc/shadow"), run.lines().toString());
    }

    @Test
    void theUsersGroupListHasItsSupplementaryGroup() throws Exception {
        Root.assume("creates a user");
        assertEquals(Set.of(gid, extraGid), Arrays.stream(PrivilegeDrop.groupList(user, gid)).boxed().collect(Collectors.toSet()));
    }

    @Test
    void verifyRefusesAProcessThatHasNotDropped() throws Exception {
        assumeTrue(!"nobody".equals(System.getProperty("user.name")), "runs as nobody already");
        Run run = probe("verify", 65534, 65534, "nobody");
        assertEquals(1, run.status(), run.lines().toString());
        String message = run.starting("failed: ").get(0);
        assertTrue(message.startsWith("failed: getresuid gives real ") && message.endsWith("; wanted 65534 for all three"),
                message);
    }

    @Test
    void groupListIncludesThePrimaryGroup() throws Exception {
        int[] groups = PrivilegeDrop.groupList("root", 0);
        assertTrue(Arrays.stream(groups).anyMatch(g -> g == 0), Arrays.toString(groups));
    }

    private static Set<Integer> groups(String field) {
        return Arrays.stream(field.substring("Groups:".length()).trim().split("\\s+"))
                .filter(s -> !s.isEmpty()).map(Integer::valueOf).collect(Collectors.toSet());
    }

    /** Runs PrivilegeDropProbe in a new JVM on this test's class path. */
    private static Run probe(String mode, int uid, int gid, String user) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                PrivilegeDropProbe.class.getName(), mode, String.valueOf(uid), String.valueOf(gid), user)
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe did not finish: " + out);
        return new Run(p.exitValue(), out.lines().toList());
    }
}
