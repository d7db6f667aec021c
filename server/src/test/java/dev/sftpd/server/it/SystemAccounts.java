// The users and groups one test class creates with useradd/groupadd and removes with userdel -r/groupdel.
package dev.sftpd.server.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Tests name users by role ("alice", "bob"); the accounts get unique names, so that tests running
 * side by side, and the system's login records, never mix them up.
 */
final class SystemAccounts implements AutoCloseable {
    static final String NOLOGIN = "/usr/sbin/nologin";

    private final Path keyDir;
    private final Map<String, SystemUser> users = new LinkedHashMap<>();
    private final Map<String, String> groups = new LinkedHashMap<>();

    SystemAccounts(Path keyDir) {
        this.keyDir = keyDir;
    }

    /** The user playing {@code role}, an SFTP-only account (shell nologin), created on first use. */
    SystemUser user(String role) {
        return user(role, NOLOGIN);
    }

    /** The user playing {@code role}; shell and supplementary groups count only on first use. */
    SystemUser user(String role, String shell, String... groupRoles) {
        return users.computeIfAbsent(role, r -> create(shell, groupRoles));
    }

    /** A group of the system, by role, created on first use. */
    String group(String role) {
        return groups.computeIfAbsent(role, r -> {
            String name = uniqueName("sftpd-g-");
            Run.checked("groupadd", name);
            return name;
        });
    }

    private SystemUser create(String shell, String... groupRoles) {
        String name = uniqueName("sftpd-t-");
        List<String> useradd = new ArrayList<>(List.of("useradd", "-m", "-s", shell));
        if (groupRoles.length > 0) {
            useradd.addAll(List.of("-G", Arrays.stream(groupRoles).map(this::group).collect(Collectors.joining(","))));
        }
        useradd.add(name);
        Run.checked(useradd.toArray(String[]::new));
        try {
            Path home = Path.of(Run.checked("getent", "passwd", name).stdout().split(":")[5]);
            Path key = keyDir.resolve(name);
            Run.checked("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString());
            SystemUser user = new SystemUser(name, id(name, "-u"), id(name, "-g"),
                    Arrays.stream(Run.checked("id", "-G", name).stdout().trim().split("\\s+"))
                            .map(Integer::valueOf).collect(Collectors.toSet()),
                    home, key);
            // Other users may look into the home directory: what protects a file is then its own mode.
            user.own(home, PosixFilePermissions.fromString("rwxr-xr-x"));
            user.own(Files.createDirectories(home.resolve(".ssh")), PosixFilePermissions.fromString("rwx------"));
            user.authorize("rw-------", user.publicKey());
            return user;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int id(String name, String which) {
        return Integer.parseInt(Run.checked("id", which, name).stdout().trim());
    }

    private static String uniqueName(String prefix) {
        return prefix + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
    }

    /** Removes every user with its home directory, then every group; fails after trying them all. */
    @Override
    public void close() {
        List<Outcome> failed = new ArrayList<>();
        users.values().forEach(u -> failed.add(Run.run(List.of("userdel", "-r", u.name()), new byte[0])));
        groups.values().forEach(g -> failed.add(Run.run(List.of("groupdel", g), new byte[0])));
        failed.removeIf(o -> o.exitCode() == 0);
        if (!failed.isEmpty()) {
            throw new AssertionError("could not remove test accounts: " + failed);
        }
    }
}
