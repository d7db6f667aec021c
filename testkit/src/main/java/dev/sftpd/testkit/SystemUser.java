// A real account made for a test: its ids as the kernel sees them, its home, its password and the key it logs in with.
package dev.sftpd.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Made by {@link SystemAccounts}. The private key is the client's, in a root-only directory: the
 * account knows of it only once authorized. {@code password} is the one set when the account was
 * made ("" for none); the methods that change the account change the system's records only.
 */
public record SystemUser(String name, int uid, int gid, Set<Integer> groups, Path home, Path key, String password) {

    public Path authorizedKeys() {
        return home.resolve(".ssh/authorized_keys");
    }

    /** The public key line of {@link #key()}, for authorized_keys. */
    public String publicKey() {
        return Keys.publicKey(key);
    }

    /** "SHA256:...", as sshd logs it. */
    public String fingerprint() {
        return Keys.fingerprint(Path.of(key + ".pub"));
    }

    /** Replaces authorized_keys with these lines, owned by the user, with the given mode ("rw-------"). */
    public void authorize(String mode, String... lines) {
        createFile(".ssh/authorized_keys", String.join("\n", lines) + "\n", mode);
    }

    /** Creates (or replaces) a file below the home directory as if the user had made it. */
    public Path createFile(String name, String content, String mode) {
        Path file = home.resolve(name);
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
        own(file, mode);
        return file;
    }

    public void own(Path path, Set<PosixFilePermission> mode) throws IOException {
        Files.setAttribute(path, "unix:uid", uid);
        Files.setAttribute(path, "unix:gid", gid);
        Files.setPosixFilePermissions(path, mode);
    }

    /** Makes {@code path} the user's (user and primary group) with {@code mode} ("rwx------"). */
    public void own(Path path, String mode) {
        try {
            own(path, PosixFilePermissions.fromString(mode));
        } catch (IOException e) {
            throw new UncheckedIOException("giving " + path + " to " + name, e);
        }
    }

    /** chpasswd: hashed as the PAM password stack says (yescrypt on Debian 12). */
    public void setPassword(String newPassword) {
        Run.checkedWithInput(name + ":" + newPassword + "\n", "chpasswd");
    }

    /** chpasswd --crypt-method, e.g. "SHA512". */
    public void setPassword(String newPassword, String cryptMethod) {
        Run.checkedWithInput(name + ":" + newPassword + "\n", "chpasswd", "--crypt-method", cryptMethod);
    }

    /** The hash field of the shadow entry. */
    public String hash() {
        return Run.checked("getent", "shadow", name).stdout().strip().split(":", -1)[1];
    }

    /** usermod --password: this exact hash field. */
    public void setHash(String hash) {
        Run.checked("usermod", "--password", hash, name);
    }

    /** passwd -d: an empty password field, which the empty password matches. */
    public void clearPassword() {
        Run.checked("passwd", "--delete", name);
    }

    /** usermod -L: a "!" before the password hash. */
    public void lock() {
        Run.checked("usermod", "--lock", name);
    }

    /** chage -E 0: the account expired on 1 January 1970. */
    public void expire() {
        Run.checked("chage", "--expiredate", "0", name);
    }

    /** chage -d 0: root forces a password change at the next login. */
    public void forcePasswordChange() {
        Run.checked("chage", "--lastday", "0", name);
    }

    /** Last changed on a day long past, to be changed every {@code maxDays}. */
    public void agePassword(int maxDays) {
        Run.checked("chage", "--lastday", "2000-01-01", "--maxdays", Integer.toString(maxDays), name);
    }

    @Override
    public String toString() {
        return name;
    }
}
