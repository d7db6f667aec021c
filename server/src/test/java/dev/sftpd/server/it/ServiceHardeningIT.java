// The daemon under what systemd/sftpd.service takes away, as far as a root shell can reproduce it: a login, a transfer and its login record still work.
package dev.sftpd.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sftpd.testkit.ProcFs;
import dev.sftpd.testkit.Sftpd;
import dev.sftpd.testkit.SystemUser;
import dev.sftpd.testkit.UserSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * This machine's PID 1 is not systemd, so the unit cannot run here. Its directives that a root
 * shell can reproduce are read from the unit and applied around bin/sftpd: the capability
 * bounding set and NoNewPrivileges= (setpriv), ProtectProc=invisible (/proc remounted
 * hidepid=invisible) and ProtectKernelTunables= (/proc/sys and /sys read-only), in a mount
 * namespace of the daemon's own as systemd gives a service with those directives. The system-call
 * filter, RestrictAddressFamilies= and RestrictNamespaces= are not reproduced (docs/SERVICE.md).
 */
class ServiceHardeningIT {
    /** Capability numbers (linux/capability.h) of what the unit may take away, to read a CapBnd mask. */
    private static final Map<String, Integer> CAPABILITIES = Map.ofEntries(Map.entry("LINUX_IMMUTABLE", 9),
            Map.entry("NET_BROADCAST", 11), Map.entry("NET_ADMIN", 12), Map.entry("NET_RAW", 13),
            Map.entry("IPC_LOCK", 14), Map.entry("IPC_OWNER", 15), Map.entry("SYS_RAWIO", 17),
            Map.entry("SYS_PACCT", 20), Map.entry("SYS_BOOT", 22), Map.entry("SYS_NICE", 23),
            Map.entry("SYS_TIME", 25), Map.entry("SYS_TTY_CONFIG", 26), Map.entry("MKNOD", 27),
            Map.entry("LEASE", 28), Map.entry("SETFCAP", 31), Map.entry("MAC_ADMIN", 33),
            Map.entry("WAKE_ALARM", 35), Map.entry("BLOCK_SUSPEND", 36), Map.entry("AUDIT_READ", 37),
            Map.entry("PERFMON", 38), Map.entry("BPF", 39), Map.entry("CHECKPOINT_RESTORE", 40));
    private static final List<String> UNIT = read(Sftpd.repository().resolve("systemd/sftpd.service"));
    private static final List<String> TAKEN_AWAY = UNIT.stream().filter(l -> l.startsWith("CapabilityBoundingSet=~"))
            .flatMap(l -> Arrays.stream(l.substring(l.indexOf('~') + 1).trim().split("\\s+")))
            .map(c -> c.substring("CAP_".length())).toList();

    /** Runs as root in the daemon's new mount namespace, then execs the daemon's command line. */
    private static final String SERVICE = """
            set -eu
            bounding=$1 nnp=$2 invisible=$3 tunables=$4
            shift 4
            if [ "$invisible" = yes ]; then
                mount -t proc -o hidepid=invisible,nosuid,nodev,noexec proc /proc
            fi
            if [ "$tunables" = yes ]; then
                mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys
                mount --bind /sys /sys && mount -o remount,bind,ro /sys
            fi
            if [ "$nnp" = yes ]; then
                exec setpriv --bounding-set="$bounding" --no-new-privs -- "$@"
            fi
            exec setpriv --bounding-set="$bounding" -- "$@"
            """;

    @RegisterExtension
    static final Sftpd sftpd = Sftpd.wrappedIn(List.of("unshare", "--mount", "--propagation", "slave", "--",
            "/bin/sh", "-c", SERVICE, "sftpd.service",
            String.join(",", TAKEN_AWAY.stream().map(c -> "-" + c.toLowerCase(Locale.ROOT)).toList()),
            directive("NoNewPrivileges"), directive("ProtectProc").equals("invisible") ? "yes" : "no",
            directive("ProtectKernelTunables")), "TransportPoolSize 1", "EnginePoolSize 1");

    @Test
    void theDaemonRunsWithoutTheCapabilitiesTheUnitTakesAwayAndWithNoNewPrivileges() {
        assertTrue(TAKEN_AWAY.size() > 10, "the unit's bounding set: " + TAKEN_AWAY);
        Map<String, String> status = ProcFs.threadStatus(sftpd.daemon().pid()).values().iterator().next();
        BigInteger bounding = new BigInteger(ProcFs.field(status, "CapBnd", 0), 16);

        for (String capability : TAKEN_AWAY) {
            Integer bit = CAPABILITIES.get(capability);
            assertTrue(bit != null, "CAP_" + capability + ": add its number to CAPABILITIES");
            assertFalse(bounding.testBit(bit), "CAP_" + capability + " in the daemon's bounding set " + bounding.toString(16));
        }
        assertEquals("1", ProcFs.field(status, "NoNewPrivs", 0));
    }

    @Test
    void aUserLogsInUploadsAndListsWithTheSessionRecordedUnderTheUsersLoginUid() throws IOException {
        SystemUser alice = sftpd.user("alice");
        Path upload = Files.writeString(sftpd.dir().resolve("upload.txt"), "through the hardened service\n");

        sftpd.clients().sftp(alice, "put " + upload + " uploaded.txt", "ls -l").assertExit(0)
                .assertStdout("uploaded.txt");

        assertEquals("through the hardened service\n", Files.readString(alice.home().resolve("uploaded.txt")));
        // The session's shell writes the user's loginuid (CAP_AUDIT_CONTROL, kept by the unit).
        try (UserSession session = sftpd.daemon().openSession(alice)) {
            assertEquals(alice.uid(), ProcFs.loginUid(session.session()));
        }
    }

    /** ProtectProc=invisible: an engine, running as its user, finds only that user's processes in /proc. */
    @Test
    void aUsersSessionSeesOnlyTheUsersProcessesInProc() {
        SystemUser bob = sftpd.user("bob");
        List<Long> seen;
        try (UserSession session = sftpd.daemon().openSession(bob)) {
            session.client().send("ls -1 /proc");
            session.client().awaitStdout("/proc/" + session.engine() + "\n");
            seen = session.client().stdoutSoFar().lines().map(l -> l.substring(l.lastIndexOf('/') + 1))
                    .filter(name -> name.matches("[0-9]+")).map(Long::valueOf).toList();
            // Every process listed is bob's: the engine, and none of the monitor's, its shells' or transports'.
            for (long pid : seen) {
                ProcFs.threadStatus(pid).values().forEach(s -> assertEquals(Integer.toString(bob.uid()),
                        ProcFs.field(s, "Uid", 0), "process " + pid + " seen in " + bob + "'s /proc"));
            }
        }
        assertTrue(seen.size() < 10, "processes in " + bob + "'s /proc: " + seen);
    }

    /** The value of a [Service] directive of the unit; "no" when the unit does not set it. */
    private static String directive(String name) {
        List<String> values = new ArrayList<>();
        UNIT.stream().filter(l -> l.startsWith(name + "=")).forEach(l -> values.add(l.substring(name.length() + 1).trim()));
        return values.isEmpty() ? "no" : values.get(values.size() - 1);
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
