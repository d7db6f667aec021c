// The users and groups one test class creates with useradd/groupadd and removes with userdel -r/groupdel.
package dev.sftpd.testkit;

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
 * Tests name users and groups by role ("alice", "staff"); the accounts are "sftpd-a-ROLE-xxxxxx" and
 * the groups "sftpd-g-ROLE-xxxxxx": unique, so that runs side by side and the system's login records
 * never mix them up, yet a configuration can name a role with a pattern such as "sftpd-a-deny-*".
 * Every account has its home (useradd -m) and a client key pair kept in a root-only directory.
 */
public final class SystemAccounts implements AutoCloseable {
    public static final String NOLOGIN = "/usr/sbin/nologin";

    /** What a new account gets beyond what useradd -m makes. */
    private enum Setup {
        /** Nothing: no password (the shadow field is "!"), no ~/.ssh. */
        BARE,
        /** A password and an empty ~/.ssh (0700); its key is not authorized. */
        PASSWORD,
        /** A password, and its key in ~/.ssh/authorized_keys: ready to log in either way. */
        READY
    }

    private final Path keyDir;
    private final boolean ownKeyDir;
    private final Map<String, SystemUser> byRole = new LinkedHashMap<>();
    private final List<SystemUser> users = new ArrayList<>();
    private final Map<String, String> groups = new LinkedHashMap<>();

    /** Accounts whose client keys go to {@code keyDir}, a root-only directory the caller removes. */
    public SystemAccounts(Path keyDir) {
        this.keyDir = keyDir;
        this.ownKeyDir = false;
    }

    /** Accounts whose client keys go to a root-only scratch directory of their own, removed by close(). */
    public SystemAccounts() {
        try {
            this.keyDir = Files.createTempDirectory("sftpd-keys-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.ownKeyDir = true;
    }

    /** The user playing {@code role}, an SFTP-only account (shell nologin), created on first use. */
    public SystemUser user(String role) {
        return user(role, NOLOGIN);
    }

    /**
     * The user playing {@code role}, created on first use ready to log in with its key or its
     * password; shell and supplementary groups (by role) count only on first use.
     */
    public SystemUser user(String role, String shell, String... groupRoles) {
        SystemUser known = byRole.get(role);
        if (known == null) {
            known = create(role, shell, Setup.READY, groupRoles);
            byRole.put(role, known);
        }
        return known;
    }

    /**
     * A new SFTP-only account on every call, for a test that changes or removes it or sets up its
     * ~/.ssh itself: a password, an empty ~/.ssh, its key pair made but not authorized.
     */
    public SystemUser newUser(String role, String... groupRoles) {
        return create(role, NOLOGIN, Setup.PASSWORD, groupRoles);
    }

    /**
     * A new account on every call with only what useradd -m makes (no password, no ~/.ssh), for
     * tests of how the system's account records are read.
     */
    public SystemUser newAccount(String role, String shell, String... groupRoles) {
        return create(role, shell, Setup.BARE, groupRoles);
    }

    /** A group of the system, by role, created on first use. */
    public String group(String role) {
        return groups.computeIfAbsent(role, r -> {
            String name = uniqueName("sftpd-g-" + r + "-");
            Run.checked("groupadd", name);
            return name;
        });
    }

    /** The gid of the group playing {@code role}. */
    public int gid(String role) {
        return Integer.parseInt(Run.checked("getent", "group", group(role)).stdout().split(":")[2]);
    }

    /** Removes the account now, home included; its name stays free for the test to use. */
    public void remove(SystemUser user) {
        Run.checked("userdel", "-r", user.name());
        users.remove(user);
        byRole.values().remove(user);
    }

    private SystemUser create(String role, String shell, Setup setup, String... groupRoles) {
        String name = uniqueName("sftpd-a-" + role + "-");
        List<String> useradd = new ArrayList<>(List.of("useradd", "-m", "-s", shell));
        if (groupRoles.length > 0) {
            useradd.addAll(List.of("-G", Arrays.stream(groupRoles).map(this::group).collect(Collectors.joining(","))));
        }
        useradd.add(name);
        Run.checked(useradd.toArray(String[]::new));
        try {
            Path home = Path.of(Run.checked("getent", "passwd", name).stdout().split(":")[5]);
            Path key = Keys.generate(keyDir.resolve(name), name);
            String password = setup == Setup.BARE ? "" : uniqueName("pw-");
            SystemUser user = new SystemUser(name, id(name, "-u"), id(name, "-g"),
                    Arrays.stream(Run.checked("id", "-G", name).stdout().trim().split("\\s+"))
                            .map(Integer::valueOf).collect(Collectors.toSet()),
                    home, key, password);
            users.add(user);
            if (setup != Setup.BARE) {
                user.setPassword(password);
                // Other users may look into the home directory: what protects a file is then its own mode.
                user.own(home, "rwxr-xr-x");
                user.own(Files.createDirectories(home.resolve(".ssh")), "rwx------");
            }
            if (setup == Setup.READY) {
                user.authorize("rw-------", user.publicKey());
            }
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
        users.forEach(u -> failed.add(Run.run(List.of("userdel", "-r", u.name()), new byte[0])));
        groups.values().forEach(g -> failed.add(Run.run(List.of("groupdel", g), new byte[0])));
        failed.removeIf(o -> o.exitCode() == 0);
        users.clear();
        byRole.clear();
        groups.clear();
        if (ownKeyDir) {
            Scratch.delete(keyDir);
        }
        if (!failed.isEmpty()) {
            throw new AssertionError("could not remove test accounts: " + failed);
        }
    }
}
