// A real account for one test, made and changed with the shadow tools an administrator uses, removed with userdel -r.
package dev.sftpd.monitor.auth;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

final class SystemUser implements AutoCloseable {
    static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final String name;

    private SystemUser(String name) {
        this.name = name;
    }

    /** A fresh name per test: other builds on this machine create users too. */
    static SystemUser create() throws IOException, InterruptedException {
        String name = "sftpdpw" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 30), 36);
        run(null, "useradd", "--create-home", "--shell", "/bin/sh", name);
        return new SystemUser(name);
    }

    String name() {
        return name;
    }

    Account account() {
        return Account.lookup(name).orElseThrow();
    }

    /** chpasswd hashes as the PAM password stack says: yescrypt on Debian 12. */
    void password(String password) throws IOException, InterruptedException {
        run(name + ":" + password + "\n", "chpasswd");
    }

    void password(String password, String cryptMethod) throws IOException, InterruptedException {
        run(name + ":" + password + "\n", "chpasswd", "--crypt-method", cryptMethod);
    }

    /** The hash field of the shadow entry, to check which method a test really exercises. */
    String hash() throws IOException, InterruptedException {
        return run(null, "getent", "shadow", name).split(":", -1)[1];
    }

    void lock() throws IOException, InterruptedException {
        run(null, "usermod", "--lock", name);
    }

    void setHash(String hash) throws IOException, InterruptedException {
        run(null, "usermod", "--password", hash, name);
    }

    void clearPassword() throws IOException, InterruptedException {
        run(null, "passwd", "--delete", name);
    }

    void expireAccount() throws IOException, InterruptedException {
        run(null, "chage", "--expiredate", "0", name);
    }

    void forcePasswordChange() throws IOException, InterruptedException {
        run(null, "chage", "--lastday", "0", name);
    }

    /** Last changed on a day long past, to be changed every {@code maxDays}. */
    void agePassword(int maxDays) throws IOException, InterruptedException {
        run(null, "chage", "--lastday", "2000-01-01", "--maxdays", Integer.toString(maxDays), name);
    }

    /** A new group, named after the user, with the user as a supplementary member; its gid. */
    int joinNewGroup() throws IOException, InterruptedException {
        run(null, "groupadd", group());
        run(null, "usermod", "--append", "--groups", group(), name);
        return Integer.parseInt(run(null, "getent", "group", group()).split(":")[2]);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        // Exit status 12 only says there was no mail spool to remove.
        new ProcessBuilder("userdel", "--remove", name).redirectErrorStream(true).start().waitFor();
        // Exit status 6: the user never joined a group of its own.
        new ProcessBuilder("groupdel", group()).redirectErrorStream(true).start().waitFor();
    }

    private String group() {
        return name + "g";
    }

    private static String run(String input, String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", argv) + " failed: " + out);
        }
        return out.strip();
    }
}
