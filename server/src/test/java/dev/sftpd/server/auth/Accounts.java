// The users and groups one test class creates with useradd and groupadd, and removes with userdel -r and groupdel.
package dev.sftpd.server.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Names are "sftpd-a-ROLE-xxxxxx" and "sftpd-g-ROLE-xxxxxx": unique, so that runs side by side never
 * share an account, yet a configuration can name a role with a pattern such as "sftpd-a-deny-*".
 */
final class Accounts implements AutoCloseable {
    private static final String NOLOGIN = "/usr/sbin/nologin";

    private final Path clientKeys;
    private final List<String> users = new ArrayList<>();
    private final List<String> groups = new ArrayList<>();

    /** {@code clientKeys}: a root-only directory for the clients' private keys. */
    Accounts(Path clientKeys) {
        this.clientKeys = clientKeys;
    }

    /**
     * A new SFTP-only account (shell nologin, as a real SFTP user has) in the given supplementary
     * groups, with a random password and an empty ~/.ssh of mode 0700.
     */
    LocalUser user(String role, String... supplementaryGroups) {
        String name = unique("sftpd-a-" + role + "-");
        List<String> useradd = new ArrayList<>(List.of("useradd", "-m", "-s", NOLOGIN));
        if (supplementaryGroups.length > 0) {
            useradd.addAll(List.of("-G", String.join(",", supplementaryGroups)));
        }
        useradd.add(name);
        Run.checked(useradd.toArray(String[]::new));
        users.add(name);
        String password = unique("pw-");
        Run.checkedWithInput(name + ":" + password + "\n", "chpasswd");
        Path home = Path.of(Run.checked("getent", "passwd", name).stdout().split(":")[5]);
        LocalUser user = new LocalUser(name, home, password, Keys.generate(clientKeys.resolve(name), name));
        try {
            user.giveToOwner(Files.createDirectories(home.resolve(".ssh")), "rwx------");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return user;
    }

    /** A new group of the system. */
    String group(String role) {
        String name = unique("sftpd-g-" + role + "-");
        Run.checked("groupadd", name);
        groups.add(name);
        return name;
    }

    /** passwd -d: an empty password field, which the empty password matches. */
    void clearPassword(LocalUser user) {
        Run.checked("passwd", "-d", user.name());
    }

    /** usermod -L: a "!" before the password hash. */
    void lock(LocalUser user) {
        Run.checked("usermod", "-L", user.name());
    }

    /** chage -E 0: the account expired on 1 January 1970. */
    void expire(LocalUser user) {
        Run.checked("chage", "-E", "0", user.name());
    }

    /** Removes the account now, home included; its name stays free for the test to use. */
    void remove(LocalUser user) {
        Run.checked("userdel", "-r", user.name());
        users.remove(user.name());
    }

    /** Removes every account with its home, then every group; fails after trying them all. */
    @Override
    public void close() {
        List<Outcome> failed = new ArrayList<>();
        users.forEach(u -> failed.add(Run.run(List.of("userdel", "-r", u), Map.of(), "")));
        groups.forEach(g -> failed.add(Run.run(List.of("groupdel", g), Map.of(), "")));
        failed.removeIf(o -> o.exitCode() == 0);
        if (!failed.isEmpty()) {
            throw new AssertionError("could not remove the test accounts: " + failed);
        }
    }

    private static String unique(String prefix) {
        return prefix + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
    }
}
